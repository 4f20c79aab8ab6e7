/** Day separators and relative times with `Intl`, in the element's language. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * Building an `Intl` formatter costs far more than formatting with it (about 0.1 ms against
 * a few µs), and a thread formats three times per message per render: each kind is built
 * once per locale and kept.
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
/** Relative labels by value, unit and locale: a few dozen per locale ("now", "5 minutes ago"...). */
const relativeLabels = new Map<string, string>();

function dateFormat(locale: string | undefined, kind: 'day' | 'time' | 'full'): Intl.DateTimeFormat {
  const key = `${kind} ${locale ?? ''}`;
  let formatter = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!formatter) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'day' ? { dateStyle: 'medium' } : kind === 'time' ? { timeStyle: 'short' } : { dateStyle: 'full', timeStyle: 'short' };
    formatter = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, formatter);
  }
  return formatter;
}

function relativeFormat(locale: string | undefined): Intl.RelativeTimeFormat {
  const key = `relative ${locale ?? ''}`;
  let formatter = formatters.get(key) as Intl.RelativeTimeFormat | undefined;
  if (!formatter) {
    formatter = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    formatters.set(key, formatter);
  }
  return formatter;
}

export function dayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/**
 * "Today", "Yesterday" (from `Intl.RelativeTimeFormat` with `numeric: 'auto'`, so "Heute",
 * "Hier", "Wczoraj" in the element's language, the first letter capitalised for that
 * language), or the date.
 */
export function dayLabel(date: Date, now: Date, locale: string | undefined): string {
  const days = dayKey(date) === dayKey(now) ? 0 : dayKey(date) === dayKey(new Date(now.getTime() - DAY)) ? -1 : undefined;
  if (days === undefined) return dateFormat(locale, 'day').format(date);
  const key = `${days} day ${locale ?? ''}`;
  let label = relativeLabels.get(key);
  if (label === undefined) {
    const text = relativeFormat(locale).format(days, 'day');
    const first = String.fromCodePoint(text.codePointAt(0) ?? 32);
    label = first.toLocaleUpperCase(locale) + text.slice(first.length);
    relativeLabels.set(key, label);
  }
  return label;
}

export function relativeTime(date: Date, now: Date, locale: string | undefined): string {
  const elapsed = date.getTime() - now.getTime();
  const distance = Math.abs(elapsed);
  if (distance >= DAY) return dateFormat(locale, 'time').format(date);
  const [value, unit] =
    distance < MINUTE ? [0, 'second' as const] : distance < HOUR ? [Math.round(elapsed / MINUTE), 'minute' as const] : [Math.round(elapsed / HOUR), 'hour' as const];
  const key = `${value} ${unit} ${locale ?? ''}`;
  let label = relativeLabels.get(key);
  if (label === undefined) {
    label = relativeFormat(locale).format(value, unit);
    relativeLabels.set(key, label);
  }
  return label;
}

export function fullTime(date: Date, locale: string | undefined): string {
  return dateFormat(locale, 'full').format(date);
}
