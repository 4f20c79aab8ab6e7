/**
 * The open panel, built for one element: its template (header, banner, thread, quick
 * questions, composer, or the start list) and what its controls do. It lives in the lazily
 * loaded panel chunk (docs/decisions/0016-lazy-panel.md): the element creates one when the
 * chunk has loaded and renders its panel through it. The element owns the state; the view
 * reads it and sets it as the user acts, as the element's own handlers did.
 */
import { html, nothing, render, type TemplateResult } from './base/html.js';
import type { Conversation, MemberGroup } from '../../protocol/browser.js';
import type { ChatMessage, UnreadCounts } from './client/types.js';
import type { ChatController } from './controllers/chat-controller.js';
import { emitError } from './events/events.js';
import { PANEL_STRINGS } from './i18n/panel-strings.js';
import type { LauncherStrings, Strings } from './i18n/strings.js';
import { renderBanner } from './render/banner.js';
import { draftStatus, renderComposer } from './render/composer.js';
import { formatIsolated, renderConversationTitle } from './render/isolate.js';
import { conversationTitle, peerName } from './render/labels.js';
import { renderPrompts } from './render/prompts.js';
import { renderWindow } from './render/render-window.js';
import { seenSeq } from './render/seen.js';
import { renderStartList } from './render/start-list.js';
import { mentionsName } from './render/text.js';
import { renderThread } from './render/thread.js';

/** Within this many pixels of the end, the log counts as scrolled to the end. */
const AT_END_SLACK_PX = 24;

/** The element, as the panel reads and sets it (its properties and internal state). */
export interface PanelHost extends HTMLElement {
  readonly mode: 'launcher' | 'inline';
  readonly conversationId: string;
  readonly groupId: string;
  readonly prompts: string[] | undefined;
  readonly unread: UnreadCounts;
  readonly updateComplete: Promise<boolean>;
  readonly renderRoot: HTMLElement | DocumentFragment;
  requestUpdate(): void;
  activeConversationId: string | null;
  draft: string;
  ideasOpen: boolean;
  confirmingSelfOuting: boolean;
  reportingId: string | null;
  close(): void;
  messageMatch(groupId: string, withRole: 'giftee' | 'santa'): Promise<Conversation>;
}

/** What the element keeps to itself and lends its panel. */
export interface PanelContext {
  host: PanelHost;
  chat: ChatController;
  /** The element's strings: the launcher's English defaults, the locale, the host's overrides (the panel adds its own defaults under them). */
  strings(): LauncherStrings & Partial<Strings>;
  openConversation(conversationId: string): void;
  /** Whether the log follows its end (scrolled there by the element before each paint). */
  stickToEnd(stick: boolean): void;
  /** Marks what the reader can see read (the element knows whether they can). */
  markVisibleRead(): void;
}

export class PanelView {
  readonly #context: PanelContext;
  readonly #host: PanelHost;
  readonly #chat: ChatController;
  /** How much of the open conversation's history the thread renders (render/render-window.ts). */
  readonly #window = renderWindow();

  constructor(context: PanelContext) {
    this.#context = context;
    this.#host = context.host;
    this.#chat = context.chat;
  }

  /**
   * Renders the panel into the element's shadow root, before `before` (the launcher's nodes
   * come after it), or nothing when it is not `shown` (the launcher's panel, closed). The
   * element has no template engine of its own: base/html.ts comes with this chunk.
   */
  renderInto(shown: boolean, root: HTMLElement | DocumentFragment, before: ChildNode): void {
    if (!shown) this.#window.reset();
    render(shown ? this.render() : nothing, root, before);
  }

  render(): TemplateResult {
    const host = this.#host;
    // The panel's English defaults under the element's strings: the complete table.
    const strings: Strings = { ...PANEL_STRINGS, ...this.#context.strings() };
    const conversation = this.#chat.conversation(host.activeConversationId);
    // No conversation shown: the next one opens at its newest messages.
    if (!conversation || !this.#chat.client) this.#window.reset();
    const canGoBack = conversation !== undefined && !host.conversationId;
    const title = conversation ? conversationTitle(conversation, strings) : strings.title;
    return html`<section class="panel" part="panel" role=${host.mode === 'launcher' ? 'dialog' : 'region'} aria-label=${title}>
      <header class="header" part="header">
        ${canGoBack
          ? html`<button type="button" class="icon-button" aria-label=${strings.back} @click=${() => (host.activeConversationId = null)}>‹</button>`
          : nothing}
        <h2>${conversation ? renderConversationTitle(conversation, strings) : title}</h2>
        ${host.mode === 'launcher'
          ? html`<button type="button" class="icon-button" aria-label=${strings.closeChat} @click=${() => host.close()}>×</button>`
          : nothing}
      </header>
      ${renderBanner(this.#chat, strings)}
      ${conversation && this.#chat.client
        ? this.#renderConversation(conversation, title, strings)
        : renderStartList({
            groups: this.#groups(),
            conversations: this.#chat.conversations,
            unreadByConversation: host.unread.byConversation,
            strings,
            onOpen: (id) => this.#context.openConversation(id),
            onStart: (groupId, withRole) => void host.messageMatch(groupId, withRole).catch(() => undefined),
          })}
    </section>`;
  }

  /** The open conversation: its log, who is typing, the quick questions and the composer. */
  #renderConversation(conversation: Conversation, title: string, strings: Strings): TemplateResult {
    const host = this.#host;
    const typing = this.#chat.isTyping(conversation.id);
    return html`<div class="log" role="log" aria-live="polite" aria-label=${title} tabindex="0" @scroll=${this.#onLogScroll}>
        ${this.#renderThread(conversation, strings)}
      </div>
      <div class="typing" aria-live="polite">${typing ? formatIsolated(strings.typing, { name: peerName(conversation) }) : nothing}</div>
      ${renderPrompts({
        conversation,
        messages: this.#messages(conversation.id),
        prompts: host.prompts,
        open: host.ideasOpen,
        strings,
        onPick: (prompt) => this.#fillComposer(prompt),
        onToggle: () => (host.ideasOpen = !host.ideasOpen),
      })}
      ${conversation.closed
        ? html`<p class="banner">${strings.closed}</p>`
        : renderComposer({
            draft: host.draft,
            peerName: peerName(conversation),
            strings,
            confirmingSelfOuting: host.confirmingSelfOuting,
            onInput: this.#onInput,
            onKeydown: this.#onComposerKeydown,
            onSubmit: this.#onSubmit,
            onConfirm: () => this.#submit(true),
            onCancelConfirm: () => {
              host.confirmingSelfOuting = false;
              this.#focusComposer();
            },
          })}`;
  }

  #renderThread(conversation: Conversation, strings: Strings): TemplateResult {
    const host = this.#host;
    const chat = this.#chat;
    const messages = this.#messages(conversation.id);
    const { shown, hidden, lastHidden, liveAfter } = this.#window.of(conversation.id, messages, conversation.lastMessage?.seq);
    const client = chat.client;
    return renderThread({
      conversation,
      messages: shown,
      lastHidden,
      liveAfter,
      selfId: client?.userId ?? null,
      strings,
      locale: host.lang || undefined,
      now: new Date(),
      // Older messages than those rendered are held, or can be fetched: the first message held
      // (stored ones come first; an outgoing one has no seq) is past seq 1.
      canLoadOlder: hidden > 0 || (messages[0] as { seq?: number } | undefined)?.seq! > 1,
      onLoadOlder: () => {
        this.#context.stickToEnd(false);
        // The held ones first (render/render-window.ts), then the relay's page before them.
        const loaded = this.#window.widen(conversation.id, this.#messages(conversation.id)) ? host.requestUpdate() : client?.loadOlder(conversation.id);
        // Either way, the button goes once nothing older is left: the focus stays in the log, not on the page.
        void Promise.resolve(loaded)
          .then(() => host.updateComplete)
          .then(() => host.renderRoot.querySelector('.older') || host.renderRoot.querySelector<HTMLElement>('.log')?.focus());
      },
      onRetry: (clientId) => void client?.retry(clientId),
      onDiscard: (clientId) => void client?.discard(clientId),
      seenSeq: seenSeq(conversation, messages),
      reported: chat.reported,
      reportingId: host.reportingId,
      onReport: (messageId) => {
        host.reportingId = messageId;
        if (messageId) void host.updateComplete.then(() => host.renderRoot.querySelector<HTMLElement>('.report-form textarea')?.focus());
      },
      onReportConfirm: (messageId, reason) => {
        if (client?.report(conversation.id, messageId, reason)) host.reportingId = null;
      },
    });
  }

  /** A conversation's messages, asked of the client itself (ChatController keeps what the element needs before its panel). */
  #messages(conversationId: string): ChatMessage[] {
    return this.#chat.client?.messages(conversationId) ?? [];
  }

  /** The user's groups the element shows (its group, or all); null while the relay has not said. */
  #groups(): MemberGroup[] | null {
    const all = this.#chat.client?.groups ?? null;
    const { groupId } = this.#host;
    return all && groupId ? all.filter((group) => group.id === groupId) : all;
  }

  /** Moves focus into the panel: the composer, else the first conversation, else the header's button. */
  focus(): void {
    const root = this.#host.renderRoot;
    const target =
      root.querySelector<HTMLElement>('#composer-input') ?? root.querySelector<HTMLElement>('.list button') ?? root.querySelector<HTMLElement>('.header button');
    target?.focus();
  }

  #focusComposer(): void {
    void this.#host.updateComplete.then(() => this.#host.renderRoot.querySelector<HTMLElement>('#composer-input')?.focus());
  }

  readonly #onLogScroll = (event: Event): void => {
    const log = event.currentTarget as HTMLElement;
    const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight <= AT_END_SLACK_PX;
    this.#context.stickToEnd(atEnd);
    if (atEnd) this.#context.markVisibleRead();
  };

  readonly #onInput = (event: InputEvent): void => {
    const host = this.#host;
    host.draft = (event.target as HTMLTextAreaElement).value;
    host.confirmingSelfOuting = false;
    const conversation = this.#chat.conversation(host.activeConversationId);
    if (conversation && host.draft.trim() !== '') this.#chat.client?.typing(conversation.id);
  };

  readonly #onComposerKeydown = (event: KeyboardEvent): void => {
    // keyCode 229: the Enter that commits an IME composition in WebKit (Safari), which arrives
    // after compositionend, with isComposing already false.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      this.#submit(false);
    }
  };

  readonly #onSubmit = (event: Event): void => {
    event.preventDefault();
    this.#submit(false);
  };

  /** A quick question goes into the composer (after what is there), never out by itself. */
  #fillComposer(prompt: string): void {
    const host = this.#host;
    host.draft = host.draft.trim() === '' ? prompt : `${host.draft.trimEnd()}\n${prompt}`;
    host.confirmingSelfOuting = false;
    host.ideasOpen = false;
    this.#focusComposer();
  }

  #submit(confirmed: boolean): void {
    const host = this.#host;
    const conversation = this.#chat.conversation(host.activeConversationId);
    if (!conversation || conversation.closed || !draftStatus(host.draft).sendable) return;
    if (!confirmed && conversation.role === 'santa' && !conversation.revealed && mentionsName(host.draft, conversation.self.name)) {
      host.confirmingSelfOuting = true;
      return;
    }
    const content = host.draft;
    host.draft = '';
    host.confirmingSelfOuting = false;
    this.#context.stickToEnd(true);
    this.#chat.client?.send(conversation.id, content).catch((error: unknown) => {
      host.draft = content;
      emitError(host, error, conversation.id);
    });
    this.#focusComposer();
  }
}

