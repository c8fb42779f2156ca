// The cookie-date algorithm for `Expires`: lenient on purpose, as browsers are.
// See RFC 6265bis §5.1.1 "Dates".

const DELIMITER = /[\x09\x20-\x2F\x3B-\x40\x5B-\x60\x7B-\x7E]+/;
const TIME = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D.*)?$/s;
const DAY = /^(\d{1,2})(?:\D.*)?$/s;
const YEAR = /^(\d{2,4})(?:\D.*)?$/s;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** The time an `Expires` value names, in ms since the epoch (UTC), or null when it is not a cookie-date. */
export function parseCookieDate(value: string): number | null {
  let time: [number, number, number] | null = null;
  let day: number | null = null;
  let month: number | null = null;
  let year: number | null = null;
  // Date-tokens, each tried as time, day-of-month, month, then year, first match only.
  for (const token of value.split(DELIMITER)) {
    if (token === "") continue;
    let m: RegExpExecArray | null;
    if (time === null && (m = TIME.exec(token)) !== null) {
      time = [Number(m[1]), Number(m[2]), Number(m[3])];
    } else if (day === null && (m = DAY.exec(token)) !== null) {
      day = Number(m[1]);
    } else if (month === null && token.length >= 3 && MONTHS.includes(token.slice(0, 3).toLowerCase())) {
      month = MONTHS.indexOf(token.slice(0, 3).toLowerCase());
    } else if (year === null && (m = YEAR.exec(token)) !== null) {
      year = Number(m[1]);
    }
  }
  // Two-digit years, then the range checks.
  if (year !== null && year >= 70 && year <= 99) year += 1900;
  if (year !== null && year >= 0 && year <= 69) year += 2000;
  if (time === null || day === null || month === null || year === null) return null;
  if (day < 1 || day > 31 || year < 1601 || time[0] > 23 || time[1] > 59 || time[2] > 59) return null;
  const ms = Date.UTC(year, month, day, time[0], time[1], time[2]);
  // A date that does not exist (31 February) fails.
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms;
}
