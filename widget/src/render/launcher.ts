/**
 * The closed launcher in plain DOM: the floating button that opens and closes the panel, with
 * the unread badge, and the preview of a message that arrived while the panel was closed. No
 * template here: the module that loads before the panel carries no template engine (the
 * panel's chunk brings base/html.ts, docs/decisions/0016-lazy-panel.md). Built once per element
 * and updated on each of its updates; text goes in as `textContent` only.
 */
import { format, type LauncherStrings } from '../i18n/strings.js';

/** A message shown beside the closed launcher for a moment. */
export interface LauncherPreview {
  name: string;
  content: string;
}

/** An element with its attributes and children. */
function create<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string>, ...children: Node[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** The same in SVG's namespace, for the icon. */
function createSvg(tag: string, attributes: Record<string, string>, ...children: Node[]): SVGElement {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

export class Launcher {
  readonly #badge = create('span', { class: 'badge', part: 'badge', 'aria-hidden': 'true' });
  readonly #button = create(
    'button',
    { type: 'button', class: 'launcher', part: 'launcher' },
    createSvg(
      'svg',
      { viewBox: '0 0 24 24', 'aria-hidden': 'true', fill: 'currentColor' },
      createSvg('path', { d: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z' }),
    ),
  );
  readonly #name = create('bdi', {});
  readonly #content = create('bdi', {});
  readonly #preview = create('button', { type: 'button', class: 'preview' }, create('strong', {}, this.#name), this.#content);

  constructor(onToggle: () => void, onOpenPreview: () => void) {
    this.#button.addEventListener('click', onToggle);
    this.#preview.addEventListener('click', onOpenPreview);
  }

  /**
   * Puts the preview (when there is one and the panel is closed) and the button at the end of
   * `root`, or takes both out of it when `shown` is false (inline mode). A node already in
   * place stays where it is, so the button keeps its focus.
   */
  update(root: Node, shown: boolean, open: boolean, unreadTotal: number, strings: LauncherStrings, preview: LauncherPreview | null): void {
    const button = this.#button;
    if (!shown) {
      this.#preview.remove();
      button.remove();
      return;
    }
    button.setAttribute('aria-expanded', String(open));
    button.setAttribute('aria-label', unreadTotal > 0 ? format(strings.openChatUnread, { count: unreadTotal }) : strings.openChat);
    if (unreadTotal > 0) {
      this.#badge.textContent = String(unreadTotal);
      if (!this.#badge.parentNode) button.append(this.#badge);
    } else {
      this.#badge.remove();
    }
    if (button.parentNode !== root) root.appendChild(button);
    if (preview && !open) {
      this.#name.textContent = preview.name;
      this.#content.textContent = preview.content;
      if (!this.#preview.parentNode) root.insertBefore(this.#preview, button);
    } else {
      this.#preview.remove();
    }
  }
}
