import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Conversation, Message } from '../../protocol/browser.js';
import { ClientConnectionState, DisconnectReason, type ChatMessage, type UnreadCounts } from './client/types.js';
import { ChatController } from './controllers/chat-controller.js';
import { ClockController } from './controllers/clock-controller.js';
import { PageController } from './controllers/page-controller.js';
import { emit } from './events.js';
import { draftStatus, renderComposer } from './render/composer.js';
import { renderConversationList } from './render/conversation-list.js';
import { formatIsolated } from './render/isolate.js';
import { conversationTitle, peerName, renderConversationTitle } from './render/labels.js';
import { renderThread } from './render/thread.js';
import { styles } from './santa-chat.styles.js';
import { DEFAULT_STRINGS, format, type Strings } from './strings.js';
import { mentionsName } from './text.js';

const TYPING_SHOWN_MS = 4000;
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
  declare preview: { conversationId: string; name: string; content: string } | null;

  readonly #chat = new ChatController(this, {
    unread: () => this.unread,
    shows: (conversationId) => !this.groupId || this.#conversations().some((conversation) => conversation.id === conversationId),
    typing: (conversationId) => this.#showTyping(conversationId),
    message: (conversationId, message) => this.#onIncoming(conversationId, message),
  });
  readonly #page = new PageController(this);
  readonly #typingUntil = new Map<string, number>();
  #previewTimer: ReturnType<typeof setTimeout> | undefined;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
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
    this.preview = null;
    new ClockController(this);
    // On the element itself, so it needs no removal when the element leaves the page.
    this.addEventListener('keydown', this.#onKeydown);
  }

  /** Unread counts, as the launcher badge shows them. */
  get unread(): UnreadCounts {
    const counts = this.#chat.unread;
    if (!this.groupId) return counts;
    const byConversation: Record<string, number> = {};
    let total = 0;
    for (const conversation of this.#conversations()) {
      const count = counts.byConversation[conversation.id] ?? 0;
      byConversation[conversation.id] = count;
      total += count;
    }
    return { total, byConversation };
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
    clearTimeout(this.#typingTimer);
  }

  /** Opens the panel (launcher mode) and moves focus into it. */
  show(): void {
    if (this.open) return;
    this.open = true;
    this.preview = null;
    this.#focusOnRender = true;
    this.#askNotificationPermission();
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
    const client = this.#chat.client;
    if (!client) throw new Error('santa-chat: set `server` and `token` before calling messageMatch()');
    try {
      const conversation = await client.messageMatch(groupId, withRole);
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

  override updated(changed: PropertyValues<this>): void {
    // Another group: the counts the element reports changed (not on the first render).
    if (changed.has('groupId') && changed.get('groupId') !== undefined) this.#chat.reportUnread();
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

  #conversations(): Conversation[] {
    const all = this.#chat.client?.conversations ?? [];
    return this.groupId ? all.filter((conversation) => conversation.groupId === this.groupId) : all;
  }

  #conversation(conversationId: string | null): Conversation | undefined {
    return this.#chat.client?.conversations.find((conversation) => conversation.id === conversationId);
  }

  #activeConversation(): Conversation | undefined {
    return this.#conversation(this.activeConversationId);
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
    const client = this.#chat.client;
    const conversation = this.#activeConversation();
    if (!client || !conversation || !this.#panelShown() || !this.#page.visible || !this.#stickToEnd) return;
    if ((client.unread.byConversation[conversation.id] ?? 0) === 0) return;
    const newest = newestSeq(client.messages(conversation.id));
    if (newest > 0) client.markRead(conversation.id, newest);
  }

  #showTyping(conversationId: string): void {
    this.#typingUntil.set(conversationId, Date.now() + TYPING_SHOWN_MS);
    clearTimeout(this.#typingTimer);
    this.#typingTimer = setTimeout(() => this.requestUpdate(), TYPING_SHOWN_MS + 50);
  }

  #onIncoming(conversationId: string, message: Message): void {
    this.#typingUntil.delete(conversationId);
    const conversation = this.#conversation(conversationId);
    if (!conversation || (this.groupId && conversation.groupId !== this.groupId)) return;
    const name = conversationTitle(conversation, this.#strings());
    if (!this.#panelShown()) {
      this.preview = { conversationId, name, content: message.content };
      clearTimeout(this.#previewTimer);
      this.#previewTimer = setTimeout(() => (this.preview = null), PREVIEW_SHOWN_MS);
    }
    if (this.notifications && document.visibilityState === 'hidden' && 'Notification' in window && Notification.permission === 'granted') {
      new Notification(format(this.#strings().newMessageFrom, { name: conversation.peer.name }), {
        body: message.content,
        tag: conversationId,
      });
    }
  }

  /** Permission is only ever asked on a user gesture (opening the panel). */
  #askNotificationPermission(): void {
    if (this.notifications && 'Notification' in window && Notification.permission === 'default') {
      void Notification.requestPermission();
    }
  }

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
    if (conversation && this.draft.trim() !== '') this.#chat.client?.typing(conversation.id);
  };

  #onComposerKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.#submit(false);
    }
  };

  #onSubmit = (event: Event): void => {
    event.preventDefault();
    this.#submit(false);
  };

  #submit(confirmed: boolean): void {
    const client = this.#chat.client;
    const conversation = this.#activeConversation();
    if (!client || !conversation || conversation.closed || !draftStatus(this.draft).sendable) return;
    if (!confirmed && conversation.role === 'santa' && !conversation.revealed && mentionsName(this.draft, conversation.self.name)) {
      this.confirmingSelfOuting = true;
      return;
    }
    const content = this.draft;
    this.draft = '';
    this.confirmingSelfOuting = false;
    this.#stickToEnd = true;
    client.send(conversation.id, content).catch((error: unknown) => {
      this.draft = content;
      this.#emitError(error, conversation.id);
    });
    this.#focusComposer();
  }

  #banner(): TemplateResult | typeof nothing {
    const strings = this.#strings();
    const state = this.#chat.state;
    if (state === ClientConnectionState.CONNECTED) return nothing;
    const reason = this.#chat.lastReason;
    if (state === ClientConnectionState.DISCONNECTED && reason === DisconnectReason.UNAUTHORIZED) {
      return html`<div class="banner warn" role="alert">${strings.unauthorized}</div>`;
    }
    if (reason === DisconnectReason.OFFLINE) return html`<div class="banner" role="status">${strings.offline}</div>`;
    if (state === ClientConnectionState.DISCONNECTED && reason === DisconnectReason.REPLACED) {
      return html`<div class="banner" role="status">
        ${strings.replaced}
        <button type="button" class="link" @click=${() => void this.#chat.client?.connect()}>${strings.reconnect}</button>
      </div>`;
    }
    if (!this.#chat.client) return nothing;
    return html`<div class="banner" role="status">${this.#chat.everConnected ? strings.reconnecting : strings.connecting}</div>`;
  }

  #renderPanel(): TemplateResult {
    const strings = this.#strings();
    const client = this.#chat.client;
    const conversation = this.#activeConversation();
    const conversations = this.#conversations();
    const canGoBack = conversation !== undefined && !this.conversationId;
    const title = conversation ? conversationTitle(conversation, strings) : strings.title;
    const typing = conversation !== undefined && (this.#typingUntil.get(conversation.id) ?? 0) > Date.now();
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
      ${this.#banner()}
      ${conversation && client
        ? html`<div class="log" role="log" aria-live="polite" aria-label=${title} tabindex="0" @scroll=${this.#onLogScroll}>
              ${renderThread({
                conversation,
                messages: client.messages(conversation.id),
                selfId: client.userId,
                strings,
                locale: this.lang || undefined,
                now: new Date(),
                canLoadOlder: lowestSeq(client.messages(conversation.id)) > 1,
                onLoadOlder: () => {
                  this.#stickToEnd = false;
                  void client.loadOlder(conversation.id);
                },
                onRetry: (clientId) => client.retry(clientId),
                onDiscard: (clientId) => client.discard(clientId),
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
    const strings = this.#strings();
    if (this.mode === 'inline') return this.#renderPanel();
    const total = this.unread.total;
    return html`${this.open ? this.#renderPanel() : nothing}
      ${this.preview && !this.open
        ? html`<button type="button" class="preview" @click=${() => this.#openPreview()}>
            <strong><bdi>${this.preview.name}</bdi></strong><bdi>${this.preview.content}</bdi>
          </button>`
        : nothing}
      <button
        type="button"
        class="launcher"
        part="launcher"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-label=${total > 0 ? format(strings.openChatUnread, { count: total }) : strings.openChat}
        @click=${() => (this.open ? this.close() : this.show())}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
          <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
        </svg>
        ${total > 0 ? html`<span class="badge" part="badge" aria-hidden="true">${total}</span>` : nothing}
      </button>`;
  }

  #openPreview(): void {
    const preview = this.preview;
    if (!preview) return;
    this.#openConversation(preview.conversationId);
    this.show();
  }
}

function newestSeq(messages: readonly ChatMessage[]): number {
  let newest = 0;
  for (const message of messages) if (message.status === 'sent' && message.seq > newest) newest = message.seq;
  return newest;
}

function lowestSeq(messages: readonly ChatMessage[]): number {
  for (const message of messages) if (message.status === 'sent') return message.seq;
  return 0;
}
