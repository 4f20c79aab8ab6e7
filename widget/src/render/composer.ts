import { html, nothing, type TemplateResult } from '../base/html.js';
import { LIMITS, checkContent, countCodePoints } from '../../../protocol/browser.js';
import { format, type Strings } from '../i18n/strings.js';

export interface ComposerView {
  draft: string;
  peerName: string;
  strings: Strings;
  confirmingSelfOuting: boolean;
  onInput: (event: InputEvent) => void;
  onKeydown: (event: KeyboardEvent) => void;
  onSubmit: (event: Event) => void;
  onConfirm: () => void;
  onCancelConfirm: () => void;
}

/**
 * What the counter says and whether Send is allowed, by the shared content rule: code points
 * left of the normalized text, and `invalid` when it holds a character the rule refuses.
 */
export function draftStatus(draft: string): { sendable: boolean; left: number; invalid: boolean } {
  const max = LIMITS.maxContentCodePoints;
  const checked = checkContent(draft);
  if (checked.ok) return { sendable: true, left: max - checked.codePoints, invalid: false };
  if (checked.code === 'EMPTY') return { sendable: false, left: max, invalid: false };
  // BAD_REQUEST is found before the length is counted: count the normalized text here.
  const used = checked.codePoints ?? countCodePoints(draft.replace(/\r\n?/g, '\n').trim());
  return { sendable: false, left: max - used, invalid: checked.code === 'BAD_REQUEST' };
}

export function renderComposer(view: ComposerView): TemplateResult {
  const { strings } = view;
  const status = draftStatus(view.draft);
  const over = status.left < 0 || status.invalid;
  return html`<form class="composer" part="composer" @submit=${view.onSubmit}>
    <textarea
      id="composer-input"
      rows="1"
      aria-label=${format(strings.messageLabel, { name: view.peerName })}
      aria-describedby="composer-counter"
      placeholder=${strings.placeholder}
      .value=${view.draft}
      @input=${view.onInput}
      @keydown=${view.onKeydown}
    ></textarea>
    <button class="send" type="submit" ?disabled=${!status.sendable}>${strings.send}</button>
    <div id="composer-counter" class="counter ${over ? 'over' : ''}">
      ${status.invalid
        ? strings.errorInvalid
        : over
          ? format(strings.tooLong, { count: -status.left })
          : format(strings.charactersLeft, { count: status.left })}
    </div>
    ${view.confirmingSelfOuting
      ? html`<div class="confirm" role="alertdialog" aria-labelledby="confirm-question">
          <p id="confirm-question">${strings.selfOutingQuestion}</p>
          <button type="button" class="danger" @click=${view.onConfirm}>${strings.sendAnyway}</button>
          <button type="button" @click=${view.onCancelConfirm}>${strings.edit}</button>
        </div>`
      : nothing}
  </form>`;
}
