/**
 * `<santa-chat>` in React 19 JSX: its attributes (as in HTML: `group-id`), typed; its events as
 * `onsanta-chat-message` and so on, with typed `detail`; `ref` to the element; and React's own
 * `className`, `style` (with the `--santa-chat-*` custom properties), `children` and the rest.
 * Types only, from the package's `santa-chat/react` entry:
 *
 *   import type {} from 'santa-chat/react';
 */
import type { DetailedHTMLProps, CSSProperties, HTMLAttributes } from 'react';
import type { SantaChat } from '../santa-chat.component.js';
import type { SantaChatProps } from './props.js';

/** `style`, with the element's custom properties (`{ '--santa-chat-accent': '#0b6e4f' }`). */
export type SantaChatStyle = CSSProperties & { [property: `--santa-chat-${string}`]: string | number | undefined };

/** Every prop `<santa-chat>` takes in React 19. */
export type SantaChatReactProps = Omit<DetailedHTMLProps<HTMLAttributes<SantaChat>, SantaChat>, keyof SantaChatProps | 'style'> &
  SantaChatProps & {
    /** React 19 passes `class` to custom elements as it is, like `className`. */
    class?: string;
    style?: SantaChatStyle;
  };

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'santa-chat': SantaChatReactProps;
    }
  }
}
