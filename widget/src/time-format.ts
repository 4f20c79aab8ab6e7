/** Day separators and relative times with `Intl`, in the element's language. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function dayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

export function dayLabel(date: Date, now: Date, locale: string | undefined, labels: { today: string; yesterday: string }): string {
  if (dayKey(date) === dayKey(now)) return labels.today;
  if (dayKey(date) === dayKey(new Date(now.getTime() - DAY))) return labels.yesterday;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(date);
}

export function relativeTime(date: Date, now: Date, locale: string | undefined): string {
  const elapsed = date.getTime() - now.getTime();
  const distance = Math.abs(elapsed);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (distance < MINUTE) return format.format(0, 'second');
  if (distance < HOUR) return format.format(Math.round(elapsed / MINUTE), 'minute');
  if (distance < DAY) return format.format(Math.round(elapsed / HOUR), 'hour');
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(date);
}

export function fullTime(date: Date, locale: string | undefined): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(date);
}
