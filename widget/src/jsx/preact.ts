/**
 * `<santa-chat>` in Preact JSX: its attributes (as in HTML: `group-id`), typed; its events as
 * `onsanta-chat-message` and so on, with typed `detail` (Preact listens for the event of that
 * exact name); `ref` to the element; and Preact's own `class`, `className`, `style`,
 * `children` and the rest. Types only, from the package's `santa-chat/preact` entry:
 *
 *   import type {} from 'santa-chat/preact';
 */
import type { HTMLAttributes } from 'preact';
import type { SantaChat } from '../santa-chat.component.js';
import type { SantaChatProps } from './props.js';

/** Every prop `<santa-chat>` takes in Preact. */
export type SantaChatPreactProps = Omit<HTMLAttributes<SantaChat>, keyof SantaChatProps> & SantaChatProps;

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'santa-chat': SantaChatPreactProps;
    }
  }
}
