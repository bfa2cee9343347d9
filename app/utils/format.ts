/**
 * French formats at the edge of the UI (amounts are integer cents everywhere, formatted
 * with Intl fr-FR only here). Web-standard APIs only: runs in the browser, Node and Deno.
 */

const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });

/** 24311 → "243,11 €" (Intl puts a narrow no-break space U+202F before "€" and in thousands). */
export function formatEuros(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`amount in cents must be an integer: ${cents}`);
  return euros.format(cents / 100);
}

/** An SQL date "2017-07-10" → "10/07/2017", by its digits: a date has no time zone to shift. */
export function formatDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new RangeError(`not an SQL date (YYYY-MM-DD): ${isoDate}`);
  return `${match[3]}/${match[2]}/${match[1]}`;
}

const parisDay = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", day: "2-digit", month: "2-digit", year: "numeric" });

/** A moment (ISO timestamp) → its day in France, "18/04/2017". */
export function formatDayInFrance(isoTimestamp: string): string {
  return parisDay.format(new Date(isoTimestamp));
}
