/** How `bench:relay` prints its figures: one spelling for its tables and its targets. */

export const KIB = 1024;

export const integer = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');

export const ms = (value: number): string =>
  Number.isFinite(value) ? (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : integer(value)) : 'n/a';

export const percent = (value: number): string =>
  Number.isFinite(value) ? `${(value * 100).toFixed(value >= 0.9995 && value < 1 ? 2 : 1)}%` : 'n/a';

/** ` (2.41×)`: relay ÷ baseline, or nothing when either is missing. */
export const ratio = (relay: number, baseline: number): string => {
  if (!Number.isFinite(relay) || !Number.isFinite(baseline) || baseline === 0) return '';
  const value = relay / baseline;
  return ` (${Math.abs(value) >= 100 ? integer(value) : value.toFixed(Math.abs(value) >= 10 ? 1 : 2)}×)`;
};

export const rateLabel = (rate: number | null): string => (rate === null ? 'unthrottled' : `${integer(rate)}/s`);

export const kib = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / KIB).toFixed(1)} KiB` : 'n/a');
