import { LAUNCHER_STRINGS } from './launcher-strings.js';
import { PANEL_STRINGS } from './panel-strings.js';

/**
 * Every text the widget shows, in English: the launcher's (launcher-strings.ts), which load
 * with the element, and the panel's (panel-strings.ts), which load with the panel's chunk.
 * Hosts override any of them with the `strings` property; German, French, Spanish, Dutch and
 * Polish ship complete in `locales/` (chosen by `lang`, or imported and assigned). `{name}`-style placeholders are filled by `format`. Day
 * separators ("Today", "Yesterday") come from `Intl` in the element's `lang`, not from here.
 */
export const DEFAULT_STRINGS = { ...LAUNCHER_STRINGS, ...PANEL_STRINGS };

export type StringKey = keyof typeof DEFAULT_STRINGS;
export type Strings = Record<StringKey, string>;
/** What the element reads before its panel has loaded. */
export type LauncherStrings = Pick<Strings, keyof typeof LAUNCHER_STRINGS>;

export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
