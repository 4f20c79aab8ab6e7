/**
 * What `<santa-chat>` takes in JSX, shared by the React and Preact typings (react.ts,
 * preact.ts): its attributes named as in HTML, the two properties that have no attribute, and
 * its events as `on` + the event's name, for which React 19 and Preact add a listener.
 * Types only: nothing here exists at run time.
 */
import type { SantaChatEventMap } from '../events/events.js';
import type { Strings } from '../i18n/strings.js';

/** The element's attributes (custom-elements.json lists the same). */
export interface SantaChatAttributes {
  /** The relay's origin, e.g. `https://chat.example.org`. */
  server?: string;
  /** A participant token (JWT) minted by the host site. */
  token?: string;
  /** Shows only the conversations of this group; the default group of `messageMatch()`. */
  'group-id'?: string;
  /** Opens this conversation (for a host route like `/inbox/:conversationId`). */
  'conversation-id'?: string;
  /** `launcher` (default): a floating button that opens a panel; `inline`: fills its container. */
  mode?: 'launcher' | 'inline';
  /** Whether the panel is open (launcher mode). */
  open?: boolean;
  /** `light` (default), `dark`, or `auto` (follows the system). */
  theme?: 'light' | 'dark' | 'auto';
  /** Inline mode inside the host's own card: no border or corner radius of the widget's. */
  borderless?: boolean;
  /** Offer browser notifications for messages that arrive while the page is hidden. */
  notifications?: boolean;
  /** The language of the UI; `de`, `fr`, `es`, `nl` and `pl` load that shipped string table. */
  lang?: string;
}

/**
 * Properties without an attribute. React 19 and Preact assign them to the element, which is
 * defined as soon as `santa-chat` is imported.
 */
export interface SantaChatProperties {
  /** Called for a fresh token when there is none or it expired; the socket renews without dropping. */
  tokenProvider?: (() => Promise<string>) | undefined;
  /** Overrides of any UI text (see `DEFAULT_STRINGS`). */
  strings?: Partial<Strings>;
}

/** `onsanta-chat-message={(event) => …}` and so on: one listener prop per event of the element. */
export type SantaChatEventHandlers = {
  [Name in keyof SantaChatEventMap as `on${Name}`]?: (event: CustomEvent<SantaChatEventMap[Name]>) => void;
};

/** The element's own props: attributes, properties and events. */
export type SantaChatProps = SantaChatAttributes & SantaChatProperties & SantaChatEventHandlers;
