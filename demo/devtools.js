// The developer drawer: not part of the pretend site. It drives the demo (reveal, reset) and
// shows the exact code a host site needs: the embed snippet and the token minting.
import { announce, el, loadEmails, mintToken, RELAY_URL, resetDemo, revealNow, toast } from './shared.js';

const TOKEN_SNIPPET = `import { createHmac } from 'node:crypto';

export function santaChatToken(userId, secret = process.env.SANTA_CHAT_JWT_SECRET) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'HS256', typ: 'JWT' });
  const payload = encode({ sub: String(userId), exp: Math.floor(Date.now() / 1000) + 3600 });
  const signature = createHmac('sha256', secret).update(\`\${header}.\${payload}\`).digest('base64url');
  return \`\${header}.\${payload}.\${signature}\`;
}`;

function embedSnippet(person, groupId, token) {
  return `<script type="module"
        src="${RELAY_URL}/santa-chat.js"></script>

<santa-chat
  server="${RELAY_URL}"
  group-id="${groupId}"
  token="${token}"></santa-chat>`;
}

function wiringSnippet() {
  return `const chat = document.querySelector('santa-chat');

// "Message your match": opens (or starts) the chat with one's giftee.
matchButton.addEventListener('click', () => chat.messageMatch());

// The unread badge in your own navigation.
chat.addEventListener('santa-chat-unread', (event) => {
  badge.textContent = event.detail.total;
  badge.hidden = event.detail.total === 0;
});`;
}

function tokenUsage(person) {
  return `\n\n// In the route that renders ${person.name}'s page:\nconst token = santaChatToken('${person.id}');`;
}

// A deliberately small highlighter: strings, comments, keywords, tags and attributes.
const TOKEN_PATTERN =
  /(\/\/[^\n]*)|('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`)|(<\/?[a-z-]+|(?<!=)\/?>)|\b(import|export|from|function|const|return|new|await|async)\b|([a-z-]+)(?==)/g;
const TOKEN_CLASSES = ['comment', 'string', 'tag', 'keyword', 'attr'];

function highlight(code) {
  const nodes = [];
  let last = 0;
  for (const match of code.matchAll(TOKEN_PATTERN)) {
    if (match.index > last) nodes.push(code.slice(last, match.index));
    const group = match.slice(1).findIndex((part) => part !== undefined);
    nodes.push(el(`span.tok-${TOKEN_CLASSES[group]}`, {}, match[0]));
    last = match.index + match[0].length;
  }
  nodes.push(code.slice(last));
  return nodes;
}

function codeBlock(title, description) {
  const code = el('code');
  let fullText = '';
  const copy = el('button.copy', { type: 'button' }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(fullText);
      copy.textContent = 'Copied';
    } catch {
      copy.textContent = 'Select and copy';
    }
    setTimeout(() => (copy.textContent = 'Copy'), 1500);
  });
  const section = el('section.dev-section', {}, el('div.dev-section-head', {}, el('h3', {}, title), copy), description ? el('p.hint', {}, description) : null, el('pre.code', {}, code));
  return {
    section,
    /** `shown` may abbreviate (a token); `full` is what Copy puts on the clipboard. */
    set(shown, full = shown) {
      fullText = full;
      code.replaceChildren(...highlight(shown));
    },
  };
}

/**
 * @param {object} options
 * @param {{ group: object, people: object[] }} options.demo
 * @param {object[]} options.subjects people whose snippet can be shown (the first by default)
 * @param {() => void} [options.onReveal]
 * @param {() => Promise<void> | void} [options.onReset]
 */
/** "What Jolly Swap would email": each webhook the relay sent, as the host would turn it into mail. */
function emailsSection() {
  const list = el('ol.dev-emails', { 'aria-live': 'polite' });
  const refresh = el('button.copy', { type: 'button' }, 'Refresh');
  const section = el(
    'section.dev-section',
    {},
    el('div.dev-section-head', {}, el('h3', {}, 'What Jolly Swap would email'), refresh),
    el(
      'p.hint',
      {},
      'The relay posts signed webhooks to this demo\'s own receiver (POST /demo/api/webhooks), which checks each signature with verifyWebhook from santa-chat-relay/host. ' +
        'A message left unread for 15 s becomes a notice (before the reveal it names only "Secret Santa"); a reported message reaches the organizer.',
    ),
    list,
  );
  async function load() {
    try {
      const { enabled, emails } = await loadEmails();
      if (!enabled) {
        list.replaceChildren(el('li.hint', {}, 'Webhooks point elsewhere (SANTA_CHAT_WEBHOOK_URL is set), so nothing arrives here.'));
        return;
      }
      list.replaceChildren(
        ...(emails.length === 0
          ? [el('li.hint', {}, 'Nothing yet. Send a message and leave it unread, or report one.')]
          : emails.map((email) =>
              el(
                'li.dev-email',
                {},
                el('p', {}, el('strong', {}, 'To: '), email.to, ' · ', el('code', {}, email.type), email.signatureVerified ? ' · signature verified' : ''),
                el('p', {}, el('strong', {}, email.subject)),
                el('pre.code', {}, email.body),
              ),
            )),
      );
    } catch (error) {
      list.replaceChildren(el('li.hint', {}, error.message));
    }
  }
  refresh.addEventListener('click', () => void load());
  return { section, load };
}

export function mountDevTools({ demo, subjects, onReveal, onReset }) {
  const toggles = document.querySelectorAll('[data-devtools-toggle]');
  const people = subjects.length > 0 ? subjects : demo.people;
  let subject = people[0];

  const status = el('p.dev-status', { role: 'status', 'aria-live': 'polite' });
  const revealButton = el('button.button.gold', { type: 'button' }, 'Reveal now');
  const resetButton = el('button.button.ghost-dark', { type: 'button' }, 'Reset demo');
  const embed = codeBlock('Embed snippet', 'Two lines on any page of your site. The token is minted by your server for the signed-in participant.');
  const wiring = codeBlock('Wire it to your page', "Your own buttons and badges talk to the element's methods and events.");
  const emails = emailsSection();
  const tokenCode = codeBlock('Mint tokens on your server', 'HS256 with the relay\'s SANTA_CHAT_JWT_SECRET (the demo keeps its own in data/demo-secrets.json).');

  const picker =
    people.length > 1
      ? el(
          'select.dev-select',
          { 'aria-label': 'Show the snippet for' },
          people.map((person) => el('option', { value: person.id }, person.name)),
        )
      : null;
  picker?.addEventListener('change', () => {
    subject = people.find((person) => person.id === picker.value) ?? subject;
    void refreshSnippets();
  });

  const closeButton = el('button.icon-close', { type: 'button', 'aria-label': 'Close developer tools' }, '×');
  const dialog = el(
    'dialog.drawer',
    { 'aria-labelledby': 'devtools-title' },
    el(
      'header.drawer-head',
      {},
      el('div', {}, el('p.eyebrow', {}, 'santa-chat'), el('h2', { id: 'devtools-title' }, 'Developer tools')),
      closeButton,
    ),
    el('p.drawer-intro', {}, 'Not part of Jolly Swap: this panel drives the demo and shows the code behind it.'),
    el(
      'section.dev-section.controls',
      {},
      el('h3', {}, 'Demo controls'),
      el('div.dev-actions', {}, revealButton, resetButton),
      el('p.hint', {}, 'Reveal now sets the group\'s revealAt to now through the admin API; the relay pushes REVEAL to every open chat. Reset erases all messages and draws names again.'),
      status,
    ),
    picker ? el('label.dev-picker', {}, 'Code for ', picker) : null,
    embed.section,
    wiring.section,
    tokenCode.section,
    emails.section,
  );
  document.body.append(dialog);

  async function refreshSnippets() {
    const groupId = demo.group.id;
    embed.set(embedSnippet(subject, groupId, 'eyJhbGciOiJIUzI1NiIs…'), embedSnippet(subject, groupId, '…'));
    wiring.set(wiringSnippet());
    tokenCode.set(TOKEN_SNIPPET + tokenUsage(subject));
    try {
      const token = await mintToken(subject.id);
      embed.set(embedSnippet(subject, groupId, `${token.slice(0, 24)}…`), embedSnippet(subject, groupId, token));
    } catch (error) {
      status.textContent = error.message;
    }
  }

  closeButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  for (const toggle of toggles) {
    toggle.addEventListener('click', () => {
      void refreshSnippets();
      void emails.load();
      dialog.showModal();
    });
  }

  revealButton.addEventListener('click', async () => {
    revealButton.disabled = true;
    status.textContent = 'Revealing…';
    try {
      await revealNow();
      announce('reveal');
      status.textContent = 'Revealed. Every chat now shows real names.';
      toast('Names revealed');
      onReveal?.();
    } catch (error) {
      status.textContent = error.message;
    } finally {
      revealButton.disabled = false;
    }
  });

  resetButton.addEventListener('click', async () => {
    resetButton.disabled = true;
    status.textContent = 'Resetting…';
    try {
      await resetDemo();
      announce('reset');
      await onReset?.();
      window.location.reload();
    } catch (error) {
      status.textContent = error.message;
      resetButton.disabled = false;
    }
  });

  return { open: () => toggles[0]?.click() };
}
