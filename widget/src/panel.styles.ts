import { css } from './base/css.js';

/**
 * The panel's styles (header, list, thread, composer): in the lazily loaded panel chunk
 * (docs/decisions/0016-lazy-panel.md), adopted beside the element's own when it first loads.
 * The `--_*` variables the launcher reads too are resolved on `:host` by santa-chat.styles.ts;
 * those only the panel reads, below (moved here with the panel, issue #14).
 */
export const panelStyles = css`
  /* The variables only the panel reads, beside the element's (same defaults, same themes). */
  :host {
    --_surface-alt: var(--santa-chat-surface-alt, #f3f1ee);
    --_muted: var(--santa-chat-muted, #6b6259);
    --_own-bubble: var(--santa-chat-own-bubble, var(--_accent));
    --_own-text: var(--santa-chat-own-text, var(--_accent-text));
    --_ink: var(--santa-chat-accent, #b3261e);
    --_danger: var(--santa-chat-danger, #b3261e);
    --_danger-text: #fff;
    --_panel-width: var(--santa-chat-panel-width, 380px);
    --_panel-height: var(--santa-chat-panel-height, 560px);
  }
  :host([theme='dark']) {
    --_surface-alt: var(--santa-chat-surface-alt, #2b2825);
    --_muted: var(--santa-chat-muted, #b1a89f);
    --_ink: var(--santa-chat-accent-ink, #ffb4ab);
    --_danger: var(--santa-chat-danger, #ffb4ab);
    --_danger-text: #690005;
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      --_surface-alt: var(--santa-chat-surface-alt, #2b2825);
      --_muted: var(--santa-chat-muted, #b1a89f);
      --_ink: var(--santa-chat-accent-ink, #ffb4ab);
      --_danger: var(--santa-chat-danger, #ffb4ab);
      --_danger-text: #690005;
    }
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .panel {
    display: flex;
    flex-direction: column;
    background: var(--_surface);
    overflow: hidden;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
  }
  :host(:not([mode='inline'])) .panel {
    width: var(--_panel-width);
    height: min(var(--_panel-height), calc(var(--_viewport-height, 100vh) - var(--_bottom) - 96px));
    box-shadow: 0 12px 40px rgb(0 0 0 / 28%);
  }
  :host([mode='inline']) .panel {
    height: 100%;
    min-height: 320px;
  }
  /* Inside a host's own card: no border or radius of the widget's. */
  :host([borderless]) .panel {
    border: none;
    border-radius: 0;
  }
  /*
   * Phones: the panel fills the screen (the launcher hides meanwhile), clear of the notch and
   * the home indicator, and as tall as the visual viewport so the composer stays above the
   * on-screen keyboard (dvh where the page controller has not measured it; vh before that).
   */
  @media (max-width: 480px) {
    :host(:not([mode='inline'])) .panel {
      inset: var(--_viewport-top, 0px) 0 auto 0;
      width: 100%;
      height: 100vh;
      height: var(--_viewport-height, 100dvh);
      border-radius: 0;
      border: none;
      box-shadow: none;
      padding: 0 env(safe-area-inset-right, 0px) 0 env(safe-area-inset-left, 0px);
    }
    :host(:not([mode='inline'])) .header {
      padding-top: calc(8px + env(safe-area-inset-top, 0px));
    }
    :host(:not([mode='inline'])) .composer {
      padding-bottom: calc(10px + env(safe-area-inset-bottom, 0px));
    }
  }

  .header {
    display: flex;
    align-items: center;
    gap: 4px;
    padding: 8px 6px 8px 14px;
    background: var(--_accent);
    color: var(--_accent-text);
  }
  .header h2 {
    flex: 1;
    margin: 0;
    font-size: 16px;
    font-weight: 650;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  /* 44 px: a touch target (WCAG 2.5.5). */
  .icon-button {
    flex: none;
    width: 44px;
    height: 44px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    font-size: 26px;
    line-height: 1;
  }
  .icon-button:first-child {
    margin-inline-start: -8px;
  }
  .icon-button:hover {
    background: rgb(255 255 255 / 18%);
  }
  .banner {
    padding: 6px 14px;
    font-size: 13px;
    background: var(--_surface-alt);
    color: var(--_muted);
    border-bottom: 1px solid var(--_border);
  }
  .link,
  .meta button {
    padding: 0;
    color: var(--_ink);
    text-decoration: underline;
  }
  .banner.warn {
    color: var(--_danger);
  }
  .banner .detail {
    display: block;
    margin-top: 2px;
    font-size: 0.85em;
    overflow-wrap: anywhere;
  }

  .list {
    list-style: none;
    margin: 0;
    padding: 0;
    overflow-y: auto;
    flex: 1;
  }
  .list button {
    width: 100%;
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 2px 8px;
    min-height: 44px;
    padding: 14px;
    border-bottom: 1px solid var(--_border);
    text-align: start;
  }
  /* Inside a scroll box (the list, the row of quick questions), which would clip a ring drawn outside the button. */
  .list button:focus-visible,
  .prompts button:focus-visible {
    outline-offset: -3px;
  }
  .list button:hover {
    background: var(--_surface-alt);
  }
  .list .name {
    font-weight: 650;
  }
  .list .last {
    grid-column: 1;
    color: var(--_muted);
    font-size: 13px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .empty {
    margin: auto;
    padding: 24px;
    color: var(--_muted);
    text-align: center;
  }

  /* The log's history (render/thread.ts: the one region that is not live) is laid out as a part of it. */
  .log,
  [aria-live='off'] {
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .log {
    flex: 1;
    overflow-y: auto;
    padding: 12px 14px;
  }
  .day {
    align-self: center;
    font-size: 12px;
    color: var(--_muted);
    margin: 8px 0 2px;
  }
  .message {
    /* The containing block of its visually hidden labels, which so stay inside the scrolled log. */
    position: relative;
    max-width: 80%;
    align-self: flex-start;
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .message.own {
    align-self: flex-end;
    align-items: flex-end;
  }
  .bubble {
    padding: 8px 12px;
    border-radius: var(--_radius);
    background: var(--_surface-alt);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .own .bubble {
    background: var(--_own-bubble);
    color: var(--_own-text);
  }
  /* Not faded: the text must keep its contrast (WCAG 1.4.3); the outline and the reason say it failed. */
  .own.failed .bubble {
    outline: 2px dashed var(--_danger);
    outline-offset: 2px;
  }
  .meta {
    font-size: 11px;
    color: var(--_muted);
    display: flex;
    gap: 8px;
    align-items: center;
  }
  .failed .meta {
    color: var(--_danger);
  }
  .bubble a {
    color: inherit;
  }
  .reveal {
    align-self: center;
    text-align: center;
    margin: 10px 0;
    padding: 10px 16px;
    border-radius: var(--_radius);
    background: var(--_surface-alt);
    border: 1px dashed var(--_accent);
    font-weight: 650;
  }
  .typing {
    min-height: 20px;
    padding: 0 14px;
    font-size: 12px;
    color: var(--_muted);
  }
  /* Pills: "Show older messages" and the quick questions. 44 px: a phone's touch target (WCAG 2.5.5), drawn small. */
  .older,
  .prompts button {
    border: 1px solid var(--_border);
    background: var(--_surface);
    border-radius: 999px;
    min-height: 44px;
    padding: 4px 12px;
    font-size: 12px;
  }
  .older {
    align-self: center;
  }

  .composer {
    border-top: 1px solid var(--_border);
    padding: 10px 12px;
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 6px 8px;
    align-items: end;
  }
  .composer textarea {
    resize: none;
    min-height: 44px;
    max-height: 120px;
    padding: 10px 12px;
    border-radius: calc(var(--_radius) - 4px);
    border: 1px solid var(--_border);
    background: var(--_surface);
  }
  .composer textarea::placeholder {
    color: var(--_muted);
    opacity: 1;
  }
  .composer .send {
    height: 44px;
    min-width: 44px;
    padding: 0 16px;
    border-radius: calc(var(--_radius) - 4px);
    background: var(--_accent);
    color: var(--_accent-text);
    font-weight: 650;
  }
  /* Not faded (it would fall under 4.5:1): drawn as an outline button in muted text. */
  .composer .send:disabled {
    background: var(--_surface-alt);
    color: var(--_muted);
    box-shadow: inset 0 0 0 1px var(--_border);
    cursor: not-allowed;
  }
  .counter {
    grid-column: 1 / -1;
    font-size: 12px;
    color: var(--_muted);
  }
  .counter.over {
    color: var(--_danger);
    font-weight: 650;
  }
  .confirm {
    grid-column: 1 / -1;
    padding: 10px;
    border-radius: calc(var(--_radius) - 4px);
    background: var(--_surface-alt);
    border: 1px solid var(--_danger);
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }
  .confirm p {
    margin: 0;
    flex-basis: 100%;
  }
  .confirm button {
    border: 1px solid var(--_border);
    background: var(--_surface);
    border-radius: 8px;
    padding: 6px 12px;
  }
  .confirm .danger {
    background: var(--_danger);
    color: var(--_danger-text);
    border-color: var(--_danger);
  }
  @media (prefers-reduced-motion: no-preference) {
    .panel {
      animation: rise 160ms ease-out;
    }
    @keyframes rise {
      from {
        opacity: 0;
        transform: translateY(8px);
      }
    }
  }
  .start {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .group,
  .note {
    margin: 0;
    padding: 10px 14px;
    font-size: 13px;
    color: var(--_muted);
  }
  .group {
    font-weight: 650;
  }
  /* One row that scrolls sideways: wrapped, five questions took five rows of a phone's panel from the log. */
  .prompts {
    display: flex;
    gap: 6px;
    padding: 4px 14px;
    overflow: auto;
    /* Its width is the panel's: the questions on one line must not widen the widget, or the host's column. */
    contain: inline-size;
  }
  .prompts button {
    white-space: nowrap;
  }
  .report-form,
  .report-form label {
    display: flex;
    flex-direction: column;
    /* 6 px: Send and Cancel, 15 px tall, keep the 24 px circle WCAG 2.5.8 asks clear of the reason's box. */
    gap: 6px;
  }
`;
