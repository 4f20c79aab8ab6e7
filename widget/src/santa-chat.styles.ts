import { css } from './base/css.js';

/**
 * Looks are CSS custom properties (with defaults here) and `::part`s; behaviour is properties.
 * Private `--_*` variables resolve the public ones once, per theme. These are the styles the
 * element needs before its panel is opened (the launcher, the preview, the shared resets, and
 * the variables they read); the panel's own, and the variables only the panel reads, are in
 * panel.styles.ts, loaded with the panel.
 *
 * Every default colour pair keeps 4.5:1 text contrast in both themes, including the error,
 * counter and disabled states (`--_ink` is the accent as text on the surface, `--_danger`
 * likewise; `--_danger-text` is text on a `--_danger` background; those three are defined
 * in panel.styles.ts).
 */
export const styles = css`
  :host {
    --_accent: var(--santa-chat-accent, #b3261e);
    --_accent-text: var(--santa-chat-accent-text, #fff);
    --_surface: var(--santa-chat-surface, #fff);
    --_text: var(--santa-chat-text, #1f1b16);
    --_border: var(--santa-chat-border, #ddd6cf);
    --_focus: var(--santa-chat-focus, #1a73e8);
    --_radius: var(--santa-chat-radius, 14px);
    --_z: var(--santa-chat-z-index, 2147483000);
    --_bottom: var(--santa-chat-launcher-bottom, 20px);
    --_right: var(--santa-chat-launcher-right, 20px);
    /*
     * Isolation from the host page's CSS: \`all: initial\` resets everything (inherited or not,
     * custom properties and direction aside) that the page's rules could pass down, such as
     * text-align, line-height, letter-spacing, word-spacing or text-transform. The font
     * family then follows the host's on purpose, unless --santa-chat-font is set (an unset
     * variable makes the declaration inherit). Rules of the page on the element itself win.
     */
    all: initial;
    font-family: var(--santa-chat-font);
    font-size: 15px;
    line-height: 1.4;
    color: var(--_text);
    color-scheme: light;
  }
  :host([theme='dark']) {
    --_surface: var(--santa-chat-surface, #1e1c1a);
    --_text: var(--santa-chat-text, #f2ede8);
    --_border: var(--santa-chat-border, #4a443e);
    --_focus: var(--santa-chat-focus, #8ab4f8);
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      --_surface: var(--santa-chat-surface, #1e1c1a);
      --_text: var(--santa-chat-text, #f2ede8);
      --_border: var(--santa-chat-border, #4a443e);
      --_focus: var(--santa-chat-focus, #8ab4f8);
      color-scheme: dark;
    }
  }
  :host([mode='inline']) {
    display: block;
    height: 100%;
  }
  * {
    box-sizing: border-box;
  }
  /* Every button here draws its own border and background, or none (the panel's textareas their own). */
  button,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: none;
    background: none;
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }

  .launcher,
  .preview,
  :host(:not([mode='inline'])) .panel {
    position: fixed;
    right: calc(var(--_right) + env(safe-area-inset-right, 0px));
    z-index: var(--_z);
  }
  .preview,
  :host(:not([mode='inline'])) .panel {
    bottom: calc(var(--_bottom) + env(safe-area-inset-bottom, 0px) + 72px);
  }

  .launcher {
    bottom: calc(var(--_bottom) + env(safe-area-inset-bottom, 0px));
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
  /* On a phone the open panel fills the screen: the launcher would cover its composer. */
  @media (max-width: 480px) {
    :host([open]:not([mode='inline'])) .launcher {
      display: none;
    }
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
    color: var(--_text);
    border: 1px solid var(--_border);
    box-shadow: 0 6px 20px rgb(0 0 0 / 20%);
    text-align: start;
  }
  .preview strong {
    display: block;
    font-size: 13px;
  }
`;
