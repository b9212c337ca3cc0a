// The report's period: `[from, to)` in UTC dates, from `--period YYYY-MM` or `--from/--to` (both
// dates; `--to` inclusive on the command line), by default the current month to date.

const DAY_MS = 24 * 3600 * 1000;

/** `YYYY-MM-DD` of a time (UTC). */
export const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

/** The time of a `YYYY-MM-DD` date at 00:00 UTC, or NaN when it is not a calendar date. */
export function dateMs(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text ?? '')) return NaN;
  const ms = Date.parse(`${text}T00:00:00Z`);
  // Date.parse takes 2026-02-30 as March 2: the date must print back as written.
  return Number.isNaN(ms) || isoDate(ms) !== text ? NaN : ms;
}

/** The dates of `[from, to)`, one a day. */
export function daysOf(from, to) {
  const days = [];
  for (let t = dateMs(from); t < dateMs(to); t += DAY_MS) days.push(isoDate(t));
  return days;
}

/** How the period is shown: `2026-11` for a calendar month, else `first – last` (inclusive). */
export function periodLabel(from, to) {
  const start = new Date(dateMs(from));
  const nextMonth = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);
  if (start.getUTCDate() === 1 && dateMs(to) === nextMonth) return from.slice(0, 7);
  const last = isoDate(dateMs(to) - DAY_MS);
  return last === from ? from : `${from} – ${last}`;
}

/**
 * The period of the options `{ period, from, to }` at time `now`: `{ period: { from, to, label } }`,
 * or `{ problems }` naming every mistake.
 */
export function parsePeriod({ period, from, to }, now) {
  const problems = [];
  let month;
  if (period !== undefined) {
    const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
    if (m) month = [+m[1], +m[2] - 1];
    else problems.push(`--period must be a month YYYY-MM (got '${period}')`);
  }
  const start = dateMs(from);
  if (from !== undefined && Number.isNaN(start)) {
    problems.push(`--from must be a date YYYY-MM-DD (got '${from}')`);
  }
  const last = dateMs(to);
  if (to !== undefined && Number.isNaN(last)) {
    problems.push(`--to must be a date YYYY-MM-DD (got '${to}')`);
  }
  if (period !== undefined && (from !== undefined || to !== undefined)) {
    problems.push('use either --period or --from/--to, not both');
  } else if (to !== undefined && from === undefined) {
    problems.push('--to needs --from');
  }
  if (last < start) problems.push(`--to ${to} is before --from ${from}`);
  const today = dateMs(isoDate(now.getTime()));
  if (to === undefined && start > today) {
    problems.push(`--from ${from} is after today (${isoDate(today)}): give --to`);
  }
  if (problems.length > 0) return { problems };

  const [begin, end] = month
    ? [Date.UTC(month[0], month[1], 1), Date.UTC(month[0], month[1] + 1, 1)]
    : from !== undefined
      ? [start, (to !== undefined ? last : today) + DAY_MS]
      : [Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1), today + DAY_MS];
  const range = { from: isoDate(begin), to: isoDate(end) };
  return { problems, period: { ...range, label: periodLabel(range.from, range.to) } };
}
