// The CSP page's script (security-csp.test.ts opens csp-page.html as a top-level window). It loads the
// BUILT bundle, chats as `?user=` in `?group=`, sends `?text=` and reports to the parent:
// whether it connected, sent and was styled, which chunks it loaded, and every
// `securitypolicyviolation` seen.
// With `?control=1` it only does something the policy forbids (eval), to show that
// violations are seen at all.
const violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  violations.push({ directive: event.effectiveDirective, blockedURI: event.blockedURI, sample: event.sample });
});

const params = new URLSearchParams(location.search);

// Opened as a top-level window by the test (its opener), or in an iframe (its parent).
function report(result) {
  (window.opener ?? parent).postMessage({ source: 'santa-chat-csp', ...result, violations }, location.origin);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(predicate, what, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

async function control() {
  let evaluated = false;
  try {
    evaluated = new Function('return true')();
  } catch {
    // Refused by the policy, as it should be.
  }
  await sleep(100);
  report({ control: true, evaluated });
}

async function run() {
  await import('/widget/dist/santa-chat.js');
  const { url } = await (await fetch('/__relay/info')).json();
  const tokenResponse = await fetch('/__relay/token', { method: 'POST', body: JSON.stringify({ userId: params.get('user') }) });
  const { token } = await tokenResponse.json();
  const chat = document.createElement('santa-chat');
  chat.setAttribute('server', url);
  chat.setAttribute('token', token);
  chat.setAttribute('mode', 'inline');
  chat.setAttribute('group-id', params.get('group'));
  document.getElementById('host').append(chat);
  await until(() => chat.connectionState === 'connected', 'connected');
  const conversation = await chat.messageMatch();
  await chat.updateComplete;
  const input = chat.shadowRoot.querySelector('#composer-input');
  input.value = params.get('text');
  input.dispatchEvent(new InputEvent('input'));
  await chat.updateComplete;
  chat.shadowRoot.querySelector('.send').click();
  await until(
    () => chat.client.messages(conversation.id).some((message) => message.status === 'sent' && message.content === params.get('text')),
    'the message acknowledged',
  );
  await chat.updateComplete;
  const panel = chat.shadowRoot.querySelector('.panel');
  const styled = getComputedStyle(panel).display === 'flex';
  const bubbles = [...chat.shadowRoot.querySelectorAll('.bubble')].map((bubble) => bubble.textContent);
  // The panel came from its own chunk, beside the bundle, under `script-src 'self'`.
  const chunks = performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name).pathname)
    .filter((path) => path.startsWith('/widget/dist/chunks/'));
  // Late reports (e.g. from a socket reconnect) get a moment to arrive.
  await sleep(300);
  report({ connected: chat.connectionState === 'connected', sent: true, styled, bubbles, chunks });
  await chat.logout();
}

(params.get('control') === '1' ? control() : run()).catch((error) => report({ error: String(error?.stack ?? error) }));
