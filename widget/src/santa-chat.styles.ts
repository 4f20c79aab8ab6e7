import { css } from 'lit';

/**
 * Looks are CSS custom properties (with defaults here) and `::part`s; behaviour is properties.
 * Private `--_*` variables resolve the public ones once, per theme.
 */
export const styles = css`
  :host {
    --_accent: var(--santa-chat-accent, #b3261e);
    --_accent-text: var(--santa-chat-accent-text, #ffffff);
    --_surface: var(--santa-chat-surface, #ffffff);
    --_surface-alt: var(--santa-chat-surface-alt, #f3f1ee);
    --_text: var(--santa-chat-text, #1f1b16);
    --_muted: var(--santa-chat-muted, #6b6259);
    --_border: var(--santa-chat-border, #ddd6cf);
    --_own-bubble: var(--santa-chat-own-bubble, var(--_accent));
    --_own-text: var(--santa-chat-own-text, var(--_accent-text));
    --_focus: var(--santa-chat-focus, #1a73e8);
    --_danger: var(--santa-chat-danger, #b3261e);
    --_radius: var(--santa-chat-radius, 14px);
    --_font: var(--santa-chat-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_z: var(--santa-chat-z-index, 2147483000);
    --_bottom: var(--santa-chat-launcher-bottom, 20px);
    --_right: var(--santa-chat-launcher-right, 20px);
    --_panel-width: var(--santa-chat-panel-width, 380px);
    --_panel-height: var(--santa-chat-panel-height, 560px);
    font-family: var(--_font);
    color: var(--_text);
    font-size: 15px;
    line-height: 1.4;
  }
  :host([theme='dark']) {
    --_surface: var(--santa-chat-surface, #1e1c1a);
    --_surface-alt: var(--santa-chat-surface-alt, #2b2825);
    --_text: var(--santa-chat-text, #f2ede8);
    --_muted: var(--santa-chat-muted, #b1a89f);
    --_border: var(--santa-chat-border, #4a443e);
    --_focus: var(--santa-chat-focus, #8ab4f8);
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      --_surface: var(--santa-chat-surface, #1e1c1a);
      --_surface-alt: var(--santa-chat-surface-alt, #2b2825);
      --_text: var(--santa-chat-text, #f2ede8);
      --_muted: var(--santa-chat-muted, #b1a89f);
      --_border: var(--santa-chat-border, #4a443e);
      --_focus: var(--santa-chat-focus, #8ab4f8);
    }
  }
  :host([mode='inline']) {
    display: block;
    height: 100%;
  }
  * {
    box-sizing: border-box;
  }
  button,
  textarea {
    font: inherit;
    color: inherit;
  }
  /* Every button here draws its own border and background, or none. */
  button {
    cursor: pointer;
    border: none;
    background: none;
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }

  .launcher,
  .preview,
  :host(:not([mode='inline'])) .panel {
    position: fixed;
    right: var(--_right);
    z-index: var(--_z);
  }
  .preview,
  :host(:not([mode='inline'])) .panel {
    bottom: calc(var(--_bottom) + 72px);
  }

  .launcher {
    bottom: var(--_bottom);
    width: 60px;
    height: 60px;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_accent-text);
    box-shadow: 0 6px 20px rgb(0 0 0 / 25%);
    display: grid;
    place-items: center;
  }
  .launcher svg {
    width: 28px;
    height: 28px;
  }
  .badge {
    min-width: 22px;
    height: 22px;
    padding: 0 6px;
    border-radius: 11px;
    background: var(--_accent);
    color: var(--_accent-text);
    font-size: 12px;
    font-weight: 700;
    display: inline-grid;
    place-items: center;
  }
  .launcher .badge {
    position: absolute;
    top: -4px;
    right: -4px;
    background: var(--_accent-text);
    color: var(--_accent);
    border: 2px solid var(--_accent);
  }
  .preview {
    max-width: min(300px, calc(100vw - 40px));
    padding: 10px 14px;
    border-radius: var(--_radius);
    background: var(--_surface);
    border: 1px solid var(--_border);
    box-shadow: 0 6px 20px rgb(0 0 0 / 20%);
    text-align: left;
  }
  .preview strong {
    display: block;
    font-size: 13px;
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
    height: min(var(--_panel-height), calc(var(--santa-chat-viewport-height, 100vh) - var(--_bottom) - 96px));
    box-shadow: 0 12px 40px rgb(0 0 0 / 28%);
  }
  :host([mode='inline']) .panel {
    height: 100%;
    min-height: 320px;
  }
  @media (max-width: 520px) {
    :host(:not([mode='inline'])) .panel {
      inset: 0 0 auto 0;
      width: 100vw;
      height: var(--santa-chat-viewport-height, 100vh);
      border-radius: 0;
      border: none;
    }
  }

  .header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 12px 14px;
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
  .icon-button {
    width: 36px;
    height: 36px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    font-size: 20px;
    line-height: 1;
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
    color: var(--_accent);
    text-decoration: underline;
  }
  .banner.warn {
    color: var(--_danger);
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
    padding: 14px;
    border-bottom: 1px solid var(--_border);
    text-align: left;
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

  .log {
    flex: 1;
    overflow-y: auto;
    padding: 12px 14px;
    display: flex;
    flex-direction: column;
    gap: 6px;
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
  .report-form,
  .report-form label {
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .report-form textarea {
    font: inherit;
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
  .older {
    align-self: center;
    border: 1px solid var(--_border);
    background: var(--_surface);
    border-radius: 999px;
    padding: 4px 12px;
    font-size: 12px;
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
    min-height: 42px;
    max-height: 120px;
    padding: 10px 12px;
    border-radius: calc(var(--_radius) - 4px);
    border: 1px solid var(--_border);
    background: var(--_surface);
  }
  .composer .send {
    height: 42px;
    padding: 0 16px;
    border-radius: calc(var(--_radius) - 4px);
    background: var(--_accent);
    color: var(--_accent-text);
    font-weight: 650;
  }
  .composer .send:disabled {
    opacity: 0.45;
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
    color: #fff;
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
`;
