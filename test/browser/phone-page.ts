/**
 * The phone page's script (phone-page.html, in an iframe of looks.test.ts): the harness in
 * this frame's window, so the test drives a `<santa-chat>` defined and laid out here.
 */
import * as harness from './harness.js';

declare global {
  interface Window {
    harness?: typeof harness;
  }
}

window.harness = harness;
parent.postMessage({ source: 'santa-chat-phone', ready: true }, location.origin);
