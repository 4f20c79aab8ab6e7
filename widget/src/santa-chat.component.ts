import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Conversation } from '../../protocol/browser.js';
import type { ClientConnectionState, UnreadCounts } from './client/types.js';
import { ChatController } from './controllers/chat-controller.js';
import { ClockController } from './controllers/clock-controller.js';
import { PageController } from './controllers/page-controller.js';
import { emit, type SantaChatEventMap } from './events.js';
import { renderBanner } from './render/banner.js';
import { draftStatus, renderComposer } from './render/composer.js';
import { renderConversationList } from './render/conversation-list.js';
import { renderLauncher, renderPreview } from './render/launcher.js';
import { formatIsolated } from './render/isolate.js';
import { conversationTitle, peerName, renderConversationTitle } from './render/labels.js';
import { renderThread } from './render/thread.js';
import { styles } from './santa-chat.styles.js';
import { DEFAULT_STRINGS, format, type Strings } from './strings.js';
import { askNotificationPermission, notifyWhileHidden } from './notifications.js';
import { mentionsName } from './text.js';

const PREVIEW_SHOWN_MS = 6000;
/** Within this many pixels of the end, the log counts as scrolled to the end. */
const AT_END_SLACK_PX = 24;

/**
 * An anonymous Secret Santa chat. Drop it in with one script tag; give it the relay's URL and
 * a participant token your site minted.
 *
 * @tag santa-chat
 *
 * @event santa-chat-message - A message from the other side arrived. `detail: { conversationId, message }`
 * @event santa-chat-unread - Unread counts changed. `detail: { total, byConversation }`
 * @event santa-chat-connection - The connection state changed. `detail: { state, reason? }`
 * @event santa-chat-reveal - The names of a conversation were revealed. `detail: { conversationId, peer }`
 * @event santa-chat-error - A call or the token failed. `detail: { code, message, conversationId? }`
 *
 * @csspart launcher - The floating button that opens the panel.
 * @csspart badge - Unread counts, on the launcher and in the conversation list.
 * @csspart panel - The chat panel.
 * @csspart header - The panel's title bar.
 * @csspart message - Each message.
 * @csspart composer - The message form at the bottom of a conversation.
 *
 * @cssproperty --santa-chat-accent - Brand colour of the launcher, header and own messages.
 * @cssproperty --santa-chat-accent-text - Text on the accent colour.
 * @cssproperty --santa-chat-surface - Panel background.
 * @cssproperty --santa-chat-surface-alt - Background of the other side's messages and banners.
 * @cssproperty --santa-chat-text - Text colour.
 * @cssproperty --santa-chat-muted - Secondary text colour.
 * @cssproperty --santa-chat-border - Border colour.
 * @cssproperty --santa-chat-focus - Focus ring colour.
 * @cssproperty --santa-chat-radius - Corner radius.
 * @cssproperty --santa-chat-font - Font family.
 * @cssproperty --santa-chat-z-index - Stacking level of the launcher and panel.
 * @cssproperty --santa-chat-launcher-bottom - Distance of the launcher from the bottom edge.
 * @cssproperty --santa-chat-launcher-right - Distance of the launcher from the right edge.
 * @cssproperty --santa-chat-panel-width - Panel width (launcher mode, wide screens).
 * @cssproperty --santa-chat-panel-height - Panel height (launcher mode, wide screens).
 */
export class SantaChat extends LitElement {
  static override styles = styles;
  static override properties = {
    server: {},
    token: {},
    groupId: { attribute: 'group-id' },
    conversationId: { attribute: 'conversation-id' },
    mode: { reflect: true },
    open: { type: Boolean, reflect: true },
    theme: { reflect: true },
    notifications: { type: Boolean },
    tokenProvider: { attribute: false },
    strings: { attribute: false },
    activeConversationId: { state: true },
    draft: { state: true },
    confirmingSelfOuting: { state: true },
    reportingId: { state: true },
    preview: { state: true },
  };

  /** The relay's origin, e.g. `https://chat.example.org`. */
  declare server: string;
  /** A participant token (JWT) minted by the host site. */
  declare token: string;
  /** Shows only the conversations of this group; the default group of `messageMatch()`. */
  declare groupId: string;
  /** Opens this conversation (for a host route like `/inbox/:conversationId`). */
  declare conversationId: string;
  /** `launcher`: a floating button that opens a panel; `inline`: fills its container. */
  declare mode: 'launcher' | 'inline';
  /** Whether the panel is open (launcher mode). */
  declare open: boolean;
  declare theme: 'light' | 'dark' | 'auto';
  /** Offer browser notifications for messages that arrive while the page is hidden. */
  declare notifications: boolean;
  /** Called for a fresh token when there is none or it expired; the socket renews without dropping. */
  declare tokenProvider: (() => Promise<string>) | undefined;
  /** Overrides of any UI text (see `DEFAULT_STRINGS`). */
  declare strings: Partial<Strings>;

  declare activeConversationId: string | null;
  declare draft: string;
  declare confirmingSelfOuting: boolean;
  /** The message whose report confirmation is open. */
  declare reportingId: string | null;
  declare preview: { conversationId: string; name: string; content: string } | null;

  readonly #chat = new ChatController(this);
  readonly #page = new PageController(this);
  #previewTimer: ReturnType<typeof setTimeout> | undefined;
  #stickToEnd = true;
  #focusOnRender = false;
  /** The frame in which the log is scrolled to its end and what is visible marked read, when one is asked for. */
  #frame = 0;
  /** `#strings()` for the `strings` property it was built from: one object while they are unchanged. */
  #merged: { from: Partial<Strings>; strings: Strings } | undefined;

  constructor() {
    super();
    this.server = '';
    this.token = '';
    this.groupId = '';
    this.conversationId = '';
    this.mode = 'launcher';
    this.open = false;
    this.theme = 'light';
    this.notifications = false;
    this.strings = {};
    this.activeConversationId = null;
    this.draft = '';
    this.confirmingSelfOuting = false;
    this.reportingId = null;
    this.preview = null;
    new ClockController(this);
    // On the element itself, so they need no removal when the element leaves the page.
    this.addEventListener('keydown', this.#onKeydown);
    this.addEventListener('santa-chat-message', this.#onMessage);
  }

  /** Unread counts, as the launcher badge shows them. */
  get unread(): UnreadCounts {
    return this.#chat.unread;
  }

  get connectionState(): ClientConnectionState {
    return this.#chat.state;
  }

  /** The headless client behind the element, for advanced hosts. */
  get client() {
    return this.#chat.client;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    clearTimeout(this.#previewTimer);
  }

  /** Opens the panel (launcher mode) and moves focus into it. */
  show(): void {
    if (this.open) return;
    this.open = true;
    this.preview = null;
    this.#focusOnRender = true;
    if (this.notifications) askNotificationPermission();
  }

  /** Closes the panel and returns focus to the launcher. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.confirmingSelfOuting = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.launcher')?.focus());
  }

  /**
   * "Message Match": opens (creating if needed) the conversation with one's giftee, or with
   * one's santa, in `groupId` (default: the `group-id` attribute).
   */
  async messageMatch(groupId: string = this.groupId, withRole: 'giftee' | 'santa' = 'giftee'): Promise<Conversation> {
    const matching = this.#chat.messageMatch(groupId, withRole);
    if (!matching) throw new Error('santa-chat: set `server` and `token` before calling messageMatch()');
    try {
      const conversation = await matching;
      this.#openConversation(conversation.id);
      this.show();
      return conversation;
    } catch (error) {
      this.#emitError(error);
      throw error;
    }
  }

  /** Closes the socket and erases this user's cached history and outbox from the browser. */
  async logout(): Promise<void> {
    // The attribute first: removing it sets the property to null, and the JWT must not stay
    // in the DOM (it is a credential until it expires).
    this.removeAttribute('token');
    this.token = '';
    this.tokenProvider = undefined;
    this.activeConversationId = null;
    this.draft = '';
    this.preview = null;
    clearTimeout(this.#previewTimer);
    await this.#chat.logout();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId') && this.conversationId) this.activeConversationId = this.conversationId;
    if (changed.has('open') && this.open) this.#focusOnRender = true;
  }

  override updated(): void {
    // Not here: reading scrollHeight now would lay the page out once more before the frame
    // does, and READ changes the unread counts, which renders again (Lit's change-in-update).
    if (!this.#frame) this.#frame = requestAnimationFrame(this.#beforePaint);
    if (this.#focusOnRender && this.#panelShown()) {
      this.#focusOnRender = false;
      const target =
        this.renderRoot.querySelector<HTMLElement>('#composer-input') ??
        this.renderRoot.querySelector<HTMLElement>('.list button') ??
        this.renderRoot.querySelector<HTMLElement>('.header button');
      target?.focus();
    }
  }

  #strings(): Strings {
    if (this.#merged?.from !== this.strings) this.#merged = { from: this.strings, strings: { ...DEFAULT_STRINGS, ...this.strings } };
    return this.#merged.strings;
  }

  /**
   * In the frame after an update, before it paints: the log is scrolled to its end (when the
   * reader was there), with the layout the frame needs anyway; then, once the frame is
   * painted, what the reader can now see is marked read.
   */
  readonly #beforePaint = (): void => {
    this.#frame = 0;
    const log = this.renderRoot.querySelector('.log');
    if (log && this.#stickToEnd) log.scrollTop = log.scrollHeight;
    setTimeout(() => this.#markVisibleRead());
  };

  #activeConversation(): Conversation | undefined {
    return this.#chat.conversation(this.activeConversationId);
  }

  /** Reports a failed call (a `ChatClientError`, or anything thrown) as `santa-chat-error`. */
  #emitError(error: unknown, conversationId?: string): void {
    const { code = 'INTERNAL', message = String(error) } = error as { code?: string; message?: string };
    emit(this, 'santa-chat-error', conversationId === undefined ? { code, message } : { code, message, conversationId });
  }

  #focusComposer(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#composer-input')?.focus());
  }

  #panelShown(): boolean {
    return this.mode === 'inline' || this.open;
  }

  #openConversation(conversationId: string): void {
    this.activeConversationId = conversationId;
    this.confirmingSelfOuting = false;
    this.#stickToEnd = true;
    this.#focusOnRender = true;
  }

  /** Sends READ when the newest message is actually visible: panel open, page visible, at the end. */
  #markVisibleRead(): void {
    const conversation = this.#activeConversation();
    if (!conversation || !this.#panelShown() || !this.#page.visible || !this.#stickToEnd) return;
    this.#chat.markNewestRead(conversation.id);
  }

  /** A message of a conversation this element shows: a preview while the panel is hidden, a notification while the page is. */
  readonly #onMessage = (event: CustomEvent<SantaChatEventMap['santa-chat-message']>): void => {
    const { conversationId, message } = event.detail;
    const conversation = this.#chat.conversation(conversationId);
    if (!conversation) return;
    const name = conversationTitle(conversation, this.#strings());
    if (!this.#panelShown()) {
      this.preview = { conversationId, name, content: message.content };
      clearTimeout(this.#previewTimer);
      this.#previewTimer = setTimeout(() => (this.preview = null), PREVIEW_SHOWN_MS);
    }
    if (this.notifications) notifyWhileHidden(format(this.#strings().newMessageFrom, { name: conversation.peer.name }), message.content, conversationId);
  };

  readonly #onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    if (this.confirmingSelfOuting) {
      this.confirmingSelfOuting = false;
      event.stopPropagation();
      return;
    }
    if (this.mode === 'launcher' && this.open) {
      event.stopPropagation();
      this.close();
    }
  };

  #onLogScroll = (event: Event): void => {
    const log = event.currentTarget as HTMLElement;
    this.#stickToEnd = log.scrollHeight - log.scrollTop - log.clientHeight <= AT_END_SLACK_PX;
    if (this.#stickToEnd) this.#markVisibleRead();
  };

  #onInput = (event: InputEvent): void => {
    this.draft = (event.target as HTMLTextAreaElement).value;
    this.confirmingSelfOuting = false;
    const conversation = this.#activeConversation();
    if (conversation && this.draft.trim() !== '') this.#chat.typing(conversation.id);
  };

  #onComposerKeydown = (event: KeyboardEvent): void => {
    // keyCode 229: the Enter that commits an IME composition in WebKit (Safari), which arrives
    // after compositionend, with isComposing already false.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      this.#submit(false);
    }
  };

  #onSubmit = (event: Event): void => {
    event.preventDefault();
    this.#submit(false);
  };

  #submit(confirmed: boolean): void {
    const conversation = this.#activeConversation();
    if (!conversation || conversation.closed || !draftStatus(this.draft).sendable) return;
    if (!confirmed && conversation.role === 'santa' && !conversation.revealed && mentionsName(this.draft, conversation.self.name)) {
      this.confirmingSelfOuting = true;
      return;
    }
    const content = this.draft;
    this.draft = '';
    this.confirmingSelfOuting = false;
    this.#stickToEnd = true;
    this.#chat.send(conversation.id, content)?.catch((error: unknown) => {
      this.draft = content;
      this.#emitError(error, conversation.id);
    });
    this.#focusComposer();
  }

  #renderPanel(): TemplateResult {
    const strings = this.#strings();
    const conversation = this.#activeConversation();
    const conversations = this.#chat.conversations;
    const canGoBack = conversation !== undefined && !this.conversationId;
    const title = conversation ? conversationTitle(conversation, strings) : strings.title;
    const typing = conversation !== undefined && this.#chat.isTyping(conversation.id);
    return html`<section class="panel" part="panel" role=${this.mode === 'launcher' ? 'dialog' : 'region'} aria-label=${title}>
      <header class="header" part="header">
        ${canGoBack
          ? html`<button type="button" class="icon-button" aria-label=${strings.back} @click=${() => (this.activeConversationId = null)}>‹</button>`
          : nothing}
        <h2>${conversation ? renderConversationTitle(conversation, strings) : title}</h2>
        ${this.mode === 'launcher'
          ? html`<button type="button" class="icon-button" aria-label=${strings.closeChat} @click=${() => this.close()}>×</button>`
          : nothing}
      </header>
      ${renderBanner(this.#chat, strings)}
      ${conversation && this.#chat.client
        ? html`<div class="log" role="log" aria-live="polite" aria-label=${title} tabindex="0" @scroll=${this.#onLogScroll}>
              ${renderThread({
                conversation,
                messages: this.#chat.messages(conversation.id),
                selfId: this.#chat.userId,
                strings,
                locale: this.lang || undefined,
                now: new Date(),
                canLoadOlder: this.#chat.canLoadOlder(conversation.id),
                onLoadOlder: () => {
                  this.#stickToEnd = false;
                  this.#chat.loadOlder(conversation.id);
                },
                onRetry: (clientId) => this.#chat.retry(clientId),
                onDiscard: (clientId) => this.#chat.discard(clientId),
                reported: this.#chat.reported,
                reportingId: this.reportingId,
                onReport: (messageId) => {
                  this.reportingId = messageId;
                  if (messageId) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.report-form textarea')?.focus());
                },
                onReportConfirm: (messageId, reason) => {
                  if (this.#chat.report(conversation.id, messageId, reason)) this.reportingId = null;
                },
              })}
            </div>
            <div class="typing" aria-live="polite">${typing ? formatIsolated(strings.typing, { name: peerName(conversation) }) : nothing}</div>
            ${conversation.closed
              ? html`<p class="banner">${strings.closed}</p>`
              : renderComposer({
                  draft: this.draft,
                  peerName: peerName(conversation),
                  strings,
                  confirmingSelfOuting: this.confirmingSelfOuting,
                  onInput: this.#onInput,
                  onKeydown: this.#onComposerKeydown,
                  onSubmit: this.#onSubmit,
                  onConfirm: () => this.#submit(true),
                  onCancelConfirm: () => {
                    this.confirmingSelfOuting = false;
                    this.#focusComposer();
                  },
                })}`
        : renderConversationList(conversations, this.unread.byConversation, strings, (id) => this.#openConversation(id))}
    </section>`;
  }

  override render(): TemplateResult {
    if (this.mode === 'inline') return this.#renderPanel();
    return html`${this.open ? this.#renderPanel() : nothing}
      ${this.open ? nothing : renderPreview(this.preview, () => this.#openPreview())}
      ${renderLauncher(this.open, this.unread.total, this.#strings(), () => (this.open ? this.close() : this.show()))}`;
  }

  #openPreview(): void {
    const preview = this.preview;
    if (!preview) return;
    this.#openConversation(preview.conversationId);
    this.show();
  }
}
