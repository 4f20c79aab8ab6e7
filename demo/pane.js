// A signed-in participant's page on the pretend site: their match, their (secret) santa, the
// site's own "Message your match" buttons and unread badge, and the embedded <santa-chat>.
import { mountDevTools } from './devtools.js';
import { avatar, el, formatRevealDate, loadDemo, mintToken, onAnnouncement, RELAY_URL, timeUntil, toast } from './shared.js';

const params = new URLSearchParams(window.location.search);
const userId = params.get('as') ?? '';
const framed = params.get('frame') === '1' || window.self !== window.top;
document.body.classList.toggle('framed', framed);

const chat = document.querySelector('#chat');
const badge = document.querySelector('#unread-badge');
const baseTitle = document.title;

function renderMatch(me, giftee, group) {
  document.querySelector('#match-person').replaceChildren(
    avatar(giftee, 'lg'),
    el(
      'div',
      {},
      el('h2', { id: 'match-title' }, 'You’re the Secret Santa for ', el('strong', {}, giftee.name)),
      el('p.muted', {}, `${giftee.team} · ${group.budget} budget`),
    ),
  );
  document.querySelector('#wishlist').replaceChildren(
    el('h3', {}, `On ${giftee.name}’s wishlist`),
    el('ul.wishlist', {}, giftee.wishlist.map((wish) => el('li', {}, wish))),
  );
  document.querySelector('#match-hint').textContent = group.revealed
    ? `${giftee.name} now knows it was you.`
    : `${giftee.name} sees you as “Secret Santa”.`;
}

function renderSanta(santa, group) {
  const row = document.querySelector('#santa-person');
  if (group.revealed && santa) {
    row.replaceChildren(
      avatar(santa, 'lg'),
      el('div', {}, el('h2', { id: 'santa-title' }, el('strong', {}, santa.name), ' was your Secret Santa'), el('p.muted', {}, `${santa.team} · revealed ${formatRevealDate(group.revealAt)}`)),
    );
    return;
  }
  row.replaceChildren(
    avatar(null, 'lg'),
    el(
      'div',
      {},
      el('h2', { id: 'santa-title' }, 'Someone has your name'),
      el('p.muted', {}, `You’ll find out on ${formatRevealDate(group.revealAt)} (in ${timeUntil(group.revealAt)})`),
    ),
  );
}

function showUnread(total) {
  badge.hidden = total === 0;
  badge.textContent = String(total);
  badge.setAttribute('aria-label', `${total} unread`);
  document.title = total > 0 ? `(${total}) ${baseTitle}` : baseTitle;
}

async function main() {
  let demo = await loadDemo();
  const me = demo.byId.get(userId);
  if (!me) {
    window.location.replace('/');
    return;
  }
  document.title = `${me.name} · ${baseTitle}`;
  const account = document.querySelector('#account');
  const signOut = el('button.link-button', { type: 'button' }, 'Sign out');
  account.append(el('span.account-chip', {}, avatar(me, 'sm'), el('span', {}, me.name)), signOut);
  document.querySelector('#pair-view-link').href = `pair.html?santa=${encodeURIComponent(me.id)}`;

  const render = () => {
    const giftee = demo.byId.get(me.giftee);
    const santa = demo.byId.get(me.santa);
    if (giftee) renderMatch(me, giftee, demo.group);
    renderSanta(santa, demo.group);
    document.querySelector('#exchange-meta').textContent = `${demo.group.name} · ${demo.people.length} people · names revealed ${formatRevealDate(demo.group.revealAt)}`;
  };
  render();
  const refresh = async () => {
    demo = await loadDemo();
    render();
  };
  setInterval(() => {
    if (!demo.group.revealed && Date.parse(demo.group.revealAt) <= Date.now()) void refresh();
    else render();
  }, 30_000);

  // The embed: the relay's URL, the group, and a token from "our server" (the demo backend).
  chat.server = RELAY_URL;
  chat.groupId = demo.group.id;
  chat.tokenProvider = () => mintToken(me.id);
  const firstGiftee = demo.byId.get(me.giftee);
  if (firstGiftee) {
    chat.strings = {
      title: 'Messages',
      noConversations: `No messages yet. Press “Message your match” to write to ${firstGiftee.name}: they will only see “Secret Santa”.`,
    };
  }

  chat.addEventListener('santa-chat-unread', (event) => showUnread(event.detail.total));
  chat.addEventListener('santa-chat-connection', (event) => {
    const connection = document.querySelector('#connection');
    connection.dataset.state = event.detail.state;
    connection.textContent = event.detail.state === 'connected' ? 'Live' : event.detail.state === 'connecting' ? 'Connecting…' : 'Offline';
  });
  chat.addEventListener('santa-chat-reveal', () => void refresh());
  chat.addEventListener('santa-chat-error', (event) => toast(event.detail.message, 'error'));

  const matchButton = document.querySelector('#message-match');
  const santaButton = document.querySelector('#message-santa');
  matchButton.disabled = false;
  santaButton.disabled = false;
  matchButton.addEventListener('click', () => chat.messageMatch().catch(() => {}));
  santaButton.addEventListener('click', () => chat.messageMatch(demo.group.id, 'santa').catch(() => {}));
  document.querySelector('.nav-messages').addEventListener('click', (event) => {
    event.preventDefault();
    document.querySelector('#messages').scrollIntoView({ behavior: 'smooth' });
    chat.focus();
  });

  const leave = async (href) => {
    await chat.logout().catch(() => {});
    window.location.href = href;
  };
  signOut.addEventListener('click', () => void leave('/'));

  onAnnouncement((what) => {
    if (what === 'reveal') void refresh();
    if (what === 'reset') void leave(window.location.href);
  });
  if (!framed) {
    mountDevTools({ demo, subjects: [me], onReveal: () => void refresh(), onReset: () => chat.logout().catch(() => {}) });
  }
}

main().catch((error) => toast(`The demo could not load: ${error.message}`, 'error'));
