/**
 * The element's lazily imported modules, each its own chunk beside santa-chat.js
 * (docs/decisions/0016-lazy-panel.md): the panel, loaded the first time any element shows one,
 * and the shipped translations (`locales/`), loaded when an element's `lang` asks for one (a
 * host may also import one and assign it to `strings`). Each loads once per page.
 */
import type { Strings } from './i18n/strings.js';

type Panel = typeof import('./panel.js');
let panel: Panel | undefined;
let panelLoading: Promise<Panel> | undefined;

export function loadPanel(): Promise<Panel> {
  return (panelLoading ??= import('./panel.js').then((module) => (panel = module)));
}

/** The panel's module, once loaded. */
export function loadedPanel(): Panel | undefined {
  return panel;
}

/** Keyed by the primary language subtag. */
const LOCALES: Record<string, () => Promise<{ default: Strings }>> = {
  de: () => import('./locales/de.js'),
  es: () => import('./locales/es.js'),
  fr: () => import('./locales/fr.js'),
  nl: () => import('./locales/nl.js'),
  pl: () => import('./locales/pl.js'),
};
const locales = new Map<string, Strings>();
const localesLoading = new Map<string, Promise<Strings | undefined>>();

/** Resolves with the translation of `language` (undefined when none ships or it failed to load). */
export function loadLocale(language: string): Promise<Strings | undefined> {
  let loading = localesLoading.get(language);
  if (!loading) {
    const load = hasLocale(language) ? LOCALES[language] : undefined;
    loading = load
      ? load().then(
          (module) => (locales.set(language, module.default), module.default),
          () => undefined,
        )
      : Promise.resolve(undefined);
    localesLoading.set(language, loading);
  }
  return loading;
}

/** Whether `language` (a primary subtag) ships a translation. */
export function hasLocale(language: string): boolean {
  return Object.hasOwn(LOCALES, language);
}

/** The translation of `language`, once loaded. */
export function loadedLocale(language: string): Strings | undefined {
  return locales.get(language);
}
