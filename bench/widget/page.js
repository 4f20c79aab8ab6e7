/**
 * The page of `npm run bench:widget` (bench/widget.ts drives it with Playwright). It loads the
 * built bundle like a host page does (after wrapping WebSocket, below), then exposes
 * `window.bench`: each measurement starts and ends on the page's own clock
 * (`performance.now()`), so nothing of Playwright's round trips is counted. "Painted" is the
 * frame after the DOM has the nodes: a requestAnimationFrame callback runs just before that
 * frame paints, and a message posted from it is handled right after the paint.
 */

const stage = document.getElementById('stage');
const elements = new Map();

/**
 * When each `NEW_MESSAGE` left a socket and reached the peer's, by content, to split Send ->
 * paint into its legs. The widget takes the global WebSocket when an element is created,
 * i.e. after this runs; the listener added here runs before the widget's own.
 */
const wire = { sent: new Map(), received: new Map() };
function contentOf(data) {
  if (typeof data !== 'string' || !data.includes('"NEW_MESSAGE"')) return undefined;
  const frame = JSON.parse(data);
  return frame.type === 'NEW_MESSAGE' ? frame : undefined;
}
window.WebSocket = class TimedWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (event) => {
      const at = performance.now();
      const frame = contentOf(event.data);
      // The sender's own copy carries its clientId; the peer's does not.
      if (frame && frame.clientId === undefined && !wire.received.has(frame.content)) wire.received.set(frame.content, at);
    });
  }

  send(data) {
    const frame = contentOf(data);
    if (frame && !wire.sent.has(frame.content)) wire.sent.set(frame.content, performance.now());
    super.send(data);
  }
};

function afterNextPaint() {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(null);
    });
  });
}

/** Resolves with the time at which `predicate` first holds, checked at every change of the element's shadow tree. */
function when(element, predicate, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    let observer;
    const timer = setTimeout(() => {
      observer?.disconnect();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (the element shows ${messages(element).length}, connection ${element.connectionState})`));
    }, timeoutMs);
    const check = () => {
      if (!predicate()) return false;
      const at = performance.now();
      clearTimeout(timer);
      observer?.disconnect();
      resolve(at);
      return true;
    };
    const observe = () => {
      if (check()) return;
      if (!element.shadowRoot) {
        requestAnimationFrame(observe);
        return;
      }
      observer = new MutationObserver(check);
      observer.observe(element.shadowRoot, { childList: true, subtree: true, characterData: true });
    };
    observe();
  });
}

function messages(element) {
  return element.shadowRoot ? element.shadowRoot.querySelectorAll('.log .message') : [];
}

/** Whether the log's last message starts with `prefix` (the newest one held, e.g. the seeded "Message 200: …"). */
function endsWith(element, prefix) {
  const bubbles = element.shadowRoot?.querySelectorAll('.log .message .bubble') ?? [];
  return bubbles.length > 0 && bubbles[bubbles.length - 1].textContent.startsWith(prefix);
}

function shows(element, text) {
  for (const bubble of element.shadowRoot?.querySelectorAll('.log .message .bubble') ?? []) {
    if (bubble.textContent === text) return true;
  }
  return false;
}

function create({ server, token, conversationId }) {
  const element = document.createElement('santa-chat');
  element.setAttribute('server', server);
  element.setAttribute('token', token);
  element.setAttribute('conversation-id', conversationId);
  element.setAttribute('mode', 'inline');
  return element;
}

/** The name of the IndexedDB database that caches `userId`'s chat (as widget/src/storage/open-history-store.ts names it). */
function databaseName(server, userId) {
  return `santa-chat:${encodeURIComponent(new URL(server).origin)}:${encodeURIComponent(userId)}`;
}

// The built bundle; `?bundle=readable`: the same sources unminified, for readable CPU profiles.
await import(new URLSearchParams(location.search).get('bundle') === 'readable' ? '/santa-chat.readable.js' : '/santa-chat.js');

window.bench = {
  /**
   * Adds an element and resolves when it shows the newest of the `count` messages held (the
   * seeded "Message <count>: …"), and what it rendered before it: the time from the append to
   * their DOM and to their paint, and how many messages the log shows.
   */
  async cachedPaint({ server, token, conversationId, count, timeoutMs = 10_000 }) {
    const element = create({ server, token, conversationId });
    const startedAt = performance.mark('bench:start').startTime;
    stage.append(element);
    const domAt = await when(element, () => endsWith(element, `Message ${count}:`), `message ${count}`, timeoutMs);
    performance.mark('bench:dom', { startTime: domAt });
    const paintedAt = await afterNextPaint();
    performance.mark('bench:painted', { startTime: paintedAt });
    const shown = messages(element).length;
    element.remove();
    return { domMs: domAt - startedAt, paintMs: paintedAt - startedAt, shown };
  },

  /** Adds an element under `name` and waits until its log ends with the message that starts with `newest`. */
  async mount(name, { server, token, conversationId, newest, timeoutMs = 15_000 }) {
    const element = create({ server, token, conversationId });
    stage.append(element);
    elements.set(name, element);
    await when(element, () => endsWith(element, newest), `"${newest}" in ${name}`, timeoutMs);
  },

  async connected(names, timeoutMs = 15_000) {
    const deadline = performance.now() + timeoutMs;
    while (!names.every((name) => elements.get(name)?.connectionState === 'connected')) {
      if (performance.now() > deadline) throw new Error(`not connected: ${names.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  },

  /** Removes an element without logging out: its cache stays in IndexedDB, as after a reload. */
  unmount(name) {
    elements.get(name)?.remove();
    elements.delete(name);
  },

  /** How many messages the cache of `userId` holds (0 when it has no database yet). */
  async cachedMessages(server, userId) {
    const name = databaseName(server, userId);
    if (!(await indexedDB.databases()).some((database) => database.name === name)) return 0;
    const database = await new Promise((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      if (!database.objectStoreNames.contains('messages')) return 0;
      return await new Promise((resolve, reject) => {
        const request = database.transaction('messages', 'readonly').objectStore('messages').count();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    } finally {
      database.close();
    }
  },

  /** Types `text` in `from`'s composer, clicks Send, and times until `to` shows it: DOM and paint. */
  async sendToPaint({ from, to, text, timeoutMs = 10_000 }) {
    const sender = elements.get(from);
    const receiver = elements.get(to);
    const input = sender.shadowRoot.querySelector('#composer-input');
    input.value = text;
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await sender.updateComplete;
    const button = sender.shadowRoot.querySelector('.send');
    if (!button || button.disabled) throw new Error('the Send button is not enabled');
    const arrived = when(receiver, () => shows(receiver, text), `"${text}" in ${to}`, timeoutMs);
    const startedAt = performance.mark('bench:start').startTime;
    button.click();
    const domAt = await arrived;
    performance.mark('bench:dom', { startTime: domAt });
    const paintedAt = await afterNextPaint();
    performance.mark('bench:painted', { startTime: paintedAt });
    return {
      domMs: domAt - startedAt,
      paintMs: paintedAt - startedAt,
      wireSentMs: (wire.sent.get(text) ?? Number.NaN) - startedAt,
      wireReceivedMs: (wire.received.get(text) ?? Number.NaN) - startedAt,
    };
  },

  ready: true,
};
