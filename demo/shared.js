// What every page of the pretend site shares: the demo backend's API, small DOM helpers,
// dates, and a channel that tells the other tabs when the demo was revealed or reset.

export const RELAY_URL = window.location.origin;

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.error?.message ?? `${method} ${path} failed (${response.status})`);
  return json;
}

/** The seeded group and its people: who gives to whom, wishlists, reveal date. */
export async function loadDemo() {
  const { group, people } = await call('GET', '/demo/api/people');
  const byId = new Map(people.map((person) => [person.id, person]));
  return { group, people, byId };
}

/** A participant token, minted by the demo's "host server" for a seeded user. */
export async function mintToken(userId) {
  return (await call('POST', '/demo/api/token', { userId })).token;
}

export const revealNow = () => call('POST', '/demo/api/reveal');
export const resetDemo = () => call('POST', '/demo/api/reset');
/** What the relay's webhooks made Jolly Swap "email", each delivery's signature checked. */
export const loadEmails = () => call('GET', '/demo/api/webhooks');

const channel = 'BroadcastChannel' in window ? new BroadcastChannel('jolly-swap-demo') : null;

/** Tells this tab's frames and the other tabs of the demo that something changed. */
export function announce(what) {
  channel?.postMessage(what);
}

export function onAnnouncement(listener) {
  channel?.addEventListener('message', (event) => listener(event.data));
}

/** `el('a.button.primary', { href }, 'text', child)`: builds DOM without innerHTML. */
export function el(spec, attributes = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const element = document.createElement(tag || 'div');
  if (classes.length > 0) element.className = classes.join(' ');
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

export function avatar(person, size = 'md') {
  const element = el(`span.avatar.${size}`, { 'aria-hidden': 'true' }, person ? person.name.slice(0, 1) : '?');
  if (person) element.style.setProperty('--avatar-color', person.color);
  else element.classList.add('mystery');
  return element;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });

export function formatRevealDate(iso) {
  return dateFormat.format(new Date(iso));
}

/** "2 days, 4 hours" / "3 hours, 12 minutes" / "under a minute". */
export function timeUntil(iso, now = Date.now()) {
  const minutes = Math.max(0, Math.floor((Date.parse(iso) - now) / 60000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const plural = (count, word) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (days > 0) return `${plural(days, 'day')}, ${plural(hours, 'hour')}`;
  if (hours > 0) return `${plural(hours, 'hour')}, ${plural(minutes % 60, 'minute')}`;
  return minutes > 0 ? plural(minutes, 'minute') : 'under a minute';
}

let toastTimer;
/** A short notice at the bottom of the page. */
export function toast(message, tone = 'info') {
  let region = document.querySelector('.toast');
  if (!region) {
    region = el('div.toast', { role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
  }
  region.textContent = message;
  region.dataset.tone = tone;
  region.classList.add('shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => region.classList.remove('shown'), 3500);
}
