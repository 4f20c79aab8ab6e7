/**
 * The panel: what the element needs once it is opened (or shown inline), and not before. The
 * element imports this module lazily, so a page that only shows the launcher loads the
 * smaller part (docs/decisions/0016-lazy-panel.md). Its styles are adopted beside the
 * element's own when it first loads.
 */
export { renderBanner } from './render/banner.js';
export { draftStatus, renderComposer } from './render/composer.js';
export { renderThread } from './render/thread.js';
export { renderPrompts } from './render/prompts.js';
export { seenSeq } from './render/seen.js';
export { renderStartList } from './render/start-list.js';
export { mentionsName } from './render/text.js';
export { panelStyles } from './panel.styles.js';
