/**
 * The panel: what the element needs once it is opened (or shown inline), and not before. The
 * element imports this module lazily, so a page that only shows the launcher loads the
 * smaller part (docs/decisions/0016-lazy-panel.md). Its styles are adopted beside the
 * element's own when it first loads.
 */
export { PanelView } from './panel-view.js';
export { panelStyles } from './panel.styles.js';
