/** Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC so no time zone shifts a day. */

const DAY_MS = 86_400_000;
/** The mean Gregorian month, so "months since the cutoff" does not depend on which months. */
export const DAYS_PER_MONTH = 365.2425 / 12;

export function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
}

export function monthsBetween(from: string, to: string): number {
  return daysBetween(from, to) / DAYS_PER_MONTH;
}

export const latestDate = (dates: Iterable<string>): string | null => [...dates].reduce<string | null>((a, d) => (a === null || d > a ? d : a), null);
