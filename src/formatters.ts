/**
 * The `Intl` formatters the message list uses, one per language: making a formatter costs far more than
 * using one, and every bubble and day separator is formatted on every render. They hold no state, so
 * widgets on one page share them.
 */
const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.RelativeTimeFormat>(key: string, make: () => T): T {
  let format = cache.get(key) as T | undefined;
  if (!format) cache.set(key, (format = make()));
  return format;
}

/** "3:07 PM": a message's time. `locale` undefined or empty: the browser's own. */
export const timeFormat = (locale: string | undefined) =>
  cached(`time ${locale ?? ''}`, () => new Intl.DateTimeFormat(locale || undefined, { hour: 'numeric', minute: '2-digit' }));

/** "Nov 24, 2026": a day separator beyond yesterday. */
export const dateFormat = (locale: string | undefined) =>
  cached(`date ${locale ?? ''}`, () => new Intl.DateTimeFormat(locale || undefined, { dateStyle: 'medium' }));

/** "today", "yesterday": the day separators of the last two days. */
export const relativeDayFormat = (locale: string | undefined) =>
  cached(`relative ${locale ?? ''}`, () => new Intl.RelativeTimeFormat(locale || undefined, { numeric: 'auto' }));
