/**
 * Tracks what the page around the element is doing: whether it is visible (a message is only
 * "read" when someone can see it) and the visual viewport's height (so the full-screen panel
 * on phones stays above the on-screen keyboard).
 */
import type { ReactiveController, ReactiveControllerHost } from '../base/reactive-base.js';

export class PageController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  visible = document.visibilityState === 'visible';

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#onVisibility);
    window.visualViewport?.addEventListener('resize', this.#onViewport);
    window.visualViewport?.addEventListener('scroll', this.#onViewport);
    this.#onViewport();
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
    window.visualViewport?.removeEventListener('resize', this.#onViewport);
    window.visualViewport?.removeEventListener('scroll', this.#onViewport);
  }

  readonly #onVisibility = (): void => {
    this.visible = document.visibilityState === 'visible';
    this.#host.requestUpdate();
  };

  readonly #onViewport = (): void => {
    const viewport = window.visualViewport;
    if (!viewport?.height) return;
    this.#host.style.setProperty('--_viewport-height', `${viewport.height}px`);
    // Where the visible part begins (iOS scrolls the page under the keyboard).
    this.#host.style.setProperty('--_viewport-top', `${viewport.offsetTop}px`);
  };
}
