import type { Conversation } from '../../protocol/browser.js';
import { ReactiveBase, type ChangedProperties } from './base/reactive-base.js';
import type { SantaChatClient } from './client/client.js';
import type { ClientConnectionState, UnreadCounts } from './client/types.js';
import { ChatController } from './controllers/chat-controller.js';
import { ClockController } from './controllers/clock-controller.js';
import { PageController } from './controllers/page-controller.js';
import { emitError, type SantaChatMessageDetail } from './events/events.js';
import type { PanelView } from './panel-view.js';
import { Launcher } from './render/launcher.js';
import { conversationTitle } from './render/labels.js';
import { styles } from './santa-chat.styles.js';
import { LAUNCHER_STRINGS } from './i18n/launcher-strings.js';
import { format, type LauncherStrings, type Strings } from './i18n/strings.js';
import { askNotificationPermission, notifyWhileHidden } from './notifications.js';
import { hasLocale, loadLocale, loadPanel, loadedLocale, loadedPanel } from './lazy-chunks.js';

const PREVIEW_SHOWN_MS = 6000;

/**
 * An anonymous Secret Santa chat. Drop it in with one script tag; give it the relay's URL and
 * a participant token your site minted.
 *
 * @tag santa-chat
 *
 * @attr {string} server - The relay's origin, e.g. `https://chat.example.org`.
 * @attr {string} token - A participant token (JWT) minted by the host site.
 * @attr {string} group-id - Shows only the conversations of this group; the default group of `messageMatch()`.
 * @attr {string} conversation-id - Opens this conversation (for a host route like `/inbox/:conversationId`).
 * @attr {'launcher' | 'inline'} mode - `launcher` (default): a floating button that opens a panel; `inline`: fills its container.
 * @attr {boolean} open - Whether the panel is open (launcher mode).
 * @attr {'light' | 'dark' | 'auto'} theme - `light` (default), `dark`, or `auto` (follows the system).
 * @attr {boolean} borderless - Inline mode inside the host's own card: no border or corner radius of the widget's.
 * @attr {boolean} notifications - Offer browser notifications for messages that arrive while the page is hidden.
 * @attr {string} lang - The global attribute, watched: the language of the UI (dates, day separators through `Intl`; `de`, `fr`, `es`, `nl` and `pl` also load that shipped string table).
 *
 * @fires {CustomEvent<SantaChatMessageDetail>} santa-chat-message - A message from the other side arrived.
 * @fires {CustomEvent<SantaChatUnreadDetail>} santa-chat-unread - Unread counts changed.
 * @fires {CustomEvent<SantaChatConnectionDetail>} santa-chat-connection - The connection state changed.
 * @fires {CustomEvent<SantaChatRevealDetail>} santa-chat-reveal - A conversation's santa was revealed.
 * @fires {CustomEvent<SantaChatErrorDetail>} santa-chat-error - A call or the token failed.
 *
 * @csspart launcher - The floating button that opens the panel.
 * @csspart badge - Unread counts, on the launcher and in the conversation list.
 * @csspart panel - The chat panel.
 * @csspart header - The panel's title bar.
 * @csspart message - Each message.
 * @csspart composer - The message form at the bottom of a conversation.
 *
 * @cssproperty --santa-chat-accent - Brand colour of the launcher and header; own messages by default.
 * @cssproperty --santa-chat-accent-text - Text on the accent colour.
 * @cssproperty --santa-chat-accent-ink - The accent as text on the surface (links, the active item); default: the accent, lightened in dark.
 * @cssproperty --santa-chat-own-bubble - Background of one's own messages (default: the accent colour).
 * @cssproperty --santa-chat-own-text - Text of one's own messages (default: the accent text colour).
 * @cssproperty --santa-chat-surface - Panel background.
 * @cssproperty --santa-chat-surface-alt - Background of the other side's messages and banners.
 * @cssproperty --santa-chat-text - Text colour.
 * @cssproperty --santa-chat-muted - Secondary text colour.
 * @cssproperty --santa-chat-border - Border colour.
 * @cssproperty --santa-chat-focus - Focus ring colour.
 * @cssproperty --santa-chat-danger - Colour of warnings and failures: unsent messages, the over-long draft counter, the self-outing check.
 * @cssproperty --santa-chat-radius - Corner radius.
 * @cssproperty --santa-chat-font - Font family.
 * @cssproperty --santa-chat-z-index - Stacking level of the launcher and panel.
 * @cssproperty --santa-chat-launcher-bottom - Distance of the launcher from the bottom edge.
 * @cssproperty --santa-chat-launcher-right - Distance of the launcher from the right edge.
 * @cssproperty --santa-chat-panel-width - Panel width (launcher mode, wide screens).
 * @cssproperty --santa-chat-panel-height - Panel height (launcher mode, wide screens).
 */
export class SantaChat extends ReactiveBase {
  static override styles = styles;
  static override properties = {
    server: {},
    token: {},
    groupId: { attribute: 'group-id' },
    conversationId: { attribute: 'conversation-id' },
    mode: { reflect: true },
    open: { type: Boolean, reflect: true },
    theme: { reflect: true },
    borderless: { type: Boolean, reflect: true },
    notifications: { type: Boolean },
    tokenProvider: { attribute: false },
    strings: { attribute: false },
    prompts: { attribute: false },
    // Internal state: re-renders, but is no attribute and no public API.
    /** @internal */
    activeConversationId: { state: true },
    /** @internal */
    ideasOpen: { state: true },
    /** @internal */
    draft: { state: true },
    /** @internal */
    confirmingSelfOuting: { state: true },
    /** @internal */
    reportingId: { state: true },
    /** @internal */
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
  /** `light` (default), `dark`, or `auto` (follows the system). */
  declare theme: 'light' | 'dark' | 'auto';
  /** Inline mode inside a host's own card: drops the widget's border and corner radius. */
  declare borderless: boolean;
  /** Offer browser notifications for messages that arrive while the page is hidden. */
  declare notifications: boolean;
  /** Called for a fresh token when there is none or it expired; the socket renews without dropping. */
  declare tokenProvider: (() => Promise<string>) | undefined;
  /** Overrides of any UI text (see `DEFAULT_STRINGS`). */
  declare strings: Partial<Strings>;
  /**
   * The santa's quick questions under a young thread (they fill the composer, never send).
   * Unset: the `prompts` string (one per line, so translations replace them); `[]`: none.
   */
  declare prompts: string[] | undefined;

  /** @internal The conversation on screen (tests set it to go back to the list). */
  declare activeConversationId: string | null;
  /** @internal The composer's text. */
  declare draft: string;
  /** @internal Whether the santa's quick questions are shown after the thread grew up. */
  declare ideasOpen: boolean;
  /** @internal Whether the "this mentions your own name" check is showing. */
  declare confirmingSelfOuting: boolean;
  /** @internal The message whose report confirmation is open. */
  declare reportingId: string | null;
  /** @internal The message shown beside the closed launcher for a moment. */
  declare preview: { conversationId: string; name: string; content: string } | null;

  readonly #chat = new ChatController(this);
  readonly #page = new PageController(this);
  #previewTimer: ReturnType<typeof setTimeout> | undefined;
  #stickToEnd = true;
  #focusOnRender = false;
  /** The frame in which the log is scrolled to its end and what is visible marked read, when one is asked for. */
  #frame = 0;
  /** The panel's view, once its chunk has loaded; it also adopted the panel's styles. */
  #view: PanelView | undefined;
  /** A chunk (the panel, a locale) this element waits for before its update is complete. */
  #loading: Promise<unknown> | undefined;
  /** The launcher and its preview, plain DOM after `#anchor` (launcher mode). */
  readonly #launcher = new Launcher(() => (this.open ? this.close() : this.show()), () => this.#openPreview());
  /** Where the panel ends in the shadow root: the panel renders before it, the launcher after it. */
  #anchor: Comment | undefined;

  constructor() {
    super();
    this.server = '';
    this.token = '';
    this.groupId = '';
    this.conversationId = '';
    this.mode = 'launcher';
    this.open = false;
    this.theme = 'light';
    this.borderless = false;
    this.notifications = false;
    this.strings = {};
    this.activeConversationId = null;
    this.draft = '';
    this.ideasOpen = false;
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

  /** `disconnected`, `connecting` or `connected`. */
  get connectionState(): ClientConnectionState {
    return this.#chat.state;
  }

  /** The headless client behind the element, for advanced hosts. */
  get client(): SantaChatClient | null {
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
   * one's santa, in `groupId` (default: the `group-id` attribute). Resolves to the conversation,
   * now open; rejects without `server` and a token, or when the call fails (which also fires
   * `santa-chat-error`).
   * @param groupId - The group (default: `groupId`, the `group-id` attribute).
   * @param withRole - `giftee` (default): one's giftee; `santa`: one's santa.
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
      emitError(this, error);
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

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  /** Also waits for a chunk the element is loading (the panel, a locale) and the update after it. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let complete = await super.getUpdateComplete();
    while (this.#loading) {
      const loading = this.#loading;
      await loading;
      if (this.#loading === loading) this.#loading = undefined;
      complete = await super.getUpdateComplete();
    }
    return complete;
  }

  override willUpdate(changed: ChangedProperties<this>): void {
    if (changed.has('conversationId') && this.conversationId) this.activeConversationId = this.conversationId;
    if (changed.has('open') && this.open) this.#focusOnRender = true;
    if (this.#panelShown() && !loadedPanel()) this.#waitFor(loadPanel());
    const language = this.#language();
    if (language && hasLocale(language) && !loadedLocale(language)) this.#waitFor(loadLocale(language));
  }

  /** Renders again once `chunk` has loaded; `updateComplete` waits for it. */
  #waitFor(chunk: Promise<unknown>): void {
    const loading = chunk.then(() => this.requestUpdate());
    this.#loading = this.#loading ? Promise.all([this.#loading, loading]) : loading;
  }

  /** The primary subtag of `lang`, lower case (`de` for `de-AT`). */
  #language(): string {
    return (this.lang.split('-')[0] ?? '').toLowerCase();
  }

  override updated(): void {
    // Not here: reading scrollHeight now would lay the page out once more before the frame
    // does, and READ changes the unread counts, which renders again (a change in `updated()`).
    if (!this.#frame) this.#frame = requestAnimationFrame(this.#beforePaint);
    if (this.#focusOnRender && this.#panelShown() && this.#view) {
      this.#focusOnRender = false;
      this.#view.focus();
    }
  }

  /**
   * The English defaults of the launcher, under the shipped table `lang` selects, under the
   * host's `strings`. The panel lays its own English defaults under these (panel-strings.ts,
   * in its chunk), so the table is complete where the panel reads it.
   */
  #strings(): LauncherStrings & Partial<Strings> {
    return { ...LAUNCHER_STRINGS, ...loadedLocale(this.#language()), ...this.strings };
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

  #panelShown(): boolean {
    return this.mode === 'inline' || this.open;
  }

  #openConversation(conversationId: string): void {
    this.activeConversationId = conversationId;
    this.confirmingSelfOuting = false;
    this.ideasOpen = false;
    this.#stickToEnd = true;
    this.#focusOnRender = true;
  }

  /** Sends READ when the newest message is actually visible: panel open, page visible, at the end. */
  #markVisibleRead(): void {
    const conversation = this.#chat.conversation(this.activeConversationId);
    if (!conversation || !this.#panelShown() || !this.#page.visible || !this.#stickToEnd) return;
    this.#chat.markNewestRead(conversation.id);
  }

  /** A message of a conversation this element shows: a preview while the panel is hidden, a notification while the page is. */
  readonly #onMessage = (event: CustomEvent<SantaChatMessageDetail>): void => {
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

  /**
   * Renders what ReactiveBase leaves to its subclass: the panel (shown inline, or opened)
   * through the panel's chunk, which brings the template engine (base/html.ts), once it has
   * loaded; after it, in launcher mode, the preview and the launcher, plain DOM
   * (render/launcher.ts).
   */
  protected override update(changed: ChangedProperties<this>): void {
    super.update(changed);
    const root = this.renderRoot;
    const anchor = (this.#anchor ??= root.appendChild(document.createComment('')));
    const shown = this.#panelShown();
    const panel = loadedPanel();
    // Once rendered (the view exists from the first render), a closed panel renders nothing into its place.
    if (panel && (shown || this.#view)) this.#panelView(panel).renderInto(shown, root, anchor);
    this.#launcher.update(root, this.mode !== 'inline', this.open, this.unread.total, this.#strings(), this.preview);
  }

  #panelView(panel: NonNullable<ReturnType<typeof loadedPanel>>): PanelView {
    if (!this.#view) {
      this.renderRoot.adoptedStyleSheets = [styles, panel.panelStyles];
      this.#view = new panel.PanelView({
        host: this,
        chat: this.#chat,
        strings: () => this.#strings(),
        openConversation: (id) => this.#openConversation(id),
        stickToEnd: (stick) => (this.#stickToEnd = stick),
        markVisibleRead: () => this.#markVisibleRead(),
      });
    }
    return this.#view;
  }

  #openPreview(): void {
    const preview = this.preview;
    if (!preview) return;
    this.#openConversation(preview.conversationId);
    this.show();
  }
}
