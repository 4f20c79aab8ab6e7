/**
 * Everything a page keeps that a later visitor or script could read, as text for substring
 * scans: every IndexedDB database of the origin (every store, every record), Web Storage,
 * Cache Storage, cookies, and the DOM including every shadow tree (markup, attributes, text,
 * and the `value` of form fields, which is not in the markup).
 */
import { readDatabase } from './harness.js';

export interface Scanned {
  where: string;
  text: string;
}

/** One entry per database: its name, then each store's records. */
export async function indexedDbState(): Promise<Scanned[]> {
  const scanned: Scanned[] = [];
  for (const { name } of await indexedDB.databases()) {
    if (name === undefined) continue;
    scanned.push({ where: 'indexedDB database name', text: name });
    for (const [store, records] of Object.entries(await readDatabase(name))) {
      scanned.push({ where: `indexedDB ${name} / ${store}`, text: JSON.stringify(records) });
    }
  }
  return scanned;
}

export async function storageState(): Promise<Scanned[]> {
  const entries = (storage: Storage): string[] =>
    Array.from({ length: storage.length }, (_, index) => storage.key(index)!).map((key) => `${key}=${storage.getItem(key)}`);
  const cached: string[] = [];
  for (const name of await caches.keys()) {
    cached.push(name, ...(await (await caches.open(name)).keys()).map((request) => request.url));
  }
  return [
    { where: 'localStorage', text: entries(localStorage).join('\n') },
    { where: 'sessionStorage', text: entries(sessionStorage).join('\n') },
    { where: 'Cache Storage', text: cached.join('\n') },
    { where: 'cookies', text: document.cookie },
  ];
}

/** The light DOM and every open shadow tree below `root`, with form field values. */
export function domState(root: Element = document.documentElement): Scanned[] {
  const scanned: Scanned[] = [{ where: 'DOM', text: `${root.outerHTML}\n${root.textContent ?? ''}` }];
  const visit = (element: Element): void => {
    if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) scanned.push({ where: 'form field value', text: element.value });
    if (element.shadowRoot) {
      scanned.push({ where: `shadow root of <${element.localName}>`, text: `${element.shadowRoot.innerHTML}\n${element.shadowRoot.textContent ?? ''}` });
      for (const child of element.shadowRoot.querySelectorAll('*')) visit(child);
    }
  };
  for (const element of [root, ...root.querySelectorAll('*')]) visit(element);
  return scanned;
}

export async function everythingStored(): Promise<Scanned[]> {
  return [...(await indexedDbState()), ...(await storageState()), ...domState()];
}
