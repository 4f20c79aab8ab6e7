/**
 * The shipped translations (widget/src/locales/) are complete: every key of DEFAULT_STRINGS,
 * nothing else, no empty text, the same `{placeholders}` as the English; and the day
 * separators come from `Intl` in the language asked for.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_STRINGS } from '../widget/src/i18n/strings.js';
import { dayLabel } from '../widget/src/i18n/time-format.js';

const LOCALES = ['de', 'es', 'fr', 'nl', 'pl'];
const GAME = { de: 'Wichteln', fr: 'Père Noël secret', es: 'amigo invisible', nl: 'Lootjes trekken', pl: 'Mikołajki' } as const;
const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string).sort();

describe('the shipped locales', () => {
  it('are the five modules in widget/src/locales/', () => {
    const files = readdirSync(new URL('../widget/src/locales/', import.meta.url)).filter((name) => name.endsWith('.ts'));
    assert.deepEqual(files.sort(), LOCALES.map((locale) => `${locale}.ts`));
  });

  for (const locale of LOCALES) {
    it(`${locale}: every key of DEFAULT_STRINGS, translated, with the same placeholders`, async () => {
      const module = (await import(`../widget/src/locales/${locale}.ts`)) as Record<string, Record<string, string>>;
      const table = module.default!;
      assert.equal(module[locale], table, `exports { ${locale} } and default`);
      assert.deepEqual(Object.keys(table).sort(), Object.keys(DEFAULT_STRINGS).sort());
      for (const [key, english] of Object.entries(DEFAULT_STRINGS)) {
        const text = table[key]!;
        assert.ok(text.trim() !== '', `${locale}.${key} is empty`);
        assert.deepEqual(placeholders(text), placeholders(english), `${locale}.${key} keeps the placeholders of "${english}"`);
      }
      const translated = Object.entries(DEFAULT_STRINGS).filter(([key, english]) => table[key] !== english).length;
      assert.ok(translated >= Object.keys(DEFAULT_STRINGS).length - 2, `${locale} translates (${translated} differ from English)`);
      assert.ok(Object.values(table).some((text) => text.toLowerCase().includes(GAME[locale as keyof typeof GAME].toLowerCase())), `${locale} names the game`);
    });
  }

  it('day separators follow the language, capitalised: Today, Heute, Hier, Wczoraj', () => {
    const now = new Date(2026, 11, 20, 15, 0);
    const today = new Date(2026, 11, 20, 9, 0);
    const yesterday = new Date(2026, 11, 19, 9, 0);
    assert.equal(dayLabel(today, now, 'en'), 'Today');
    assert.equal(dayLabel(yesterday, now, 'en'), 'Yesterday');
    assert.equal(dayLabel(today, now, 'de'), 'Heute');
    assert.equal(dayLabel(yesterday, now, 'de'), 'Gestern');
    assert.equal(dayLabel(yesterday, now, 'fr'), 'Hier');
    assert.equal(dayLabel(today, now, 'es'), 'Hoy');
    assert.equal(dayLabel(yesterday, now, 'nl'), 'Gisteren');
    assert.equal(dayLabel(yesterday, now, 'pl'), 'Wczoraj');
    assert.match(dayLabel(new Date(2026, 11, 1, 9, 0), now, 'de'), /^0?1\.\s?(12\.|Dez\.)\s?2026$/);
  });
});
