/*
 * An evaluator for the subset of the CloudWatch Logs Insights query language that the saved
 * invocation-log queries use, run in memory over parsed log records. Anything outside the subset
 * throws, so a query the evaluator does not understand fails a test instead of matching silently.
 *
 * Commands (one per `|`; lines starting with `#` are comments):
 * - `fields f, g as alias`: the result columns (added to any earlier ones);
 * - `filter <condition>`: `ispresent(f)`, `f <op> <literal>` (`=`, `!=`, `<`, `<=`, `>`, `>=`;
 *   a number or a quoted string), combined with `and`, `or`, `not` and parentheses;
 * - `stats <aggregate> [as alias], ... [by <group> [as alias], ...]`: aggregates `count(*)`,
 *   `count(f)`, `sum(f)`, `avg(f)`, `min(f)`, `max(f)`; groups are fields or `bin(<n>s|m|h|d)`;
 * - `sort f asc|desc[, g asc|desc]` (the direction is required);
 * - `limit n`.
 *
 * Fields are dotted paths into the record (`input.inputTokenCount`), as Logs Insights discovers
 * them in JSON events; a top-level `inputTokenCount` is a different field and is absent from
 * Bedrock's records. The record's own `timestamp` stands in for `@timestamp` (ingestion time).
 */

import { parseFilterCondition } from './logs-insights-filter';
import {
  LogRecord,
  Row,
  aliasOf,
  commands,
  field,
  fieldValue,
  splitTopLevel,
  toCell,
} from './logs-insights-syntax';

const BIN_UNITS: Readonly<Record<string, { ms: number; chars: number }>> = {
  s: { ms: 1000, chars: 19 }, // 2026-11-03T09:30:00
  m: { ms: 60_000, chars: 16 }, // 2026-11-03T09:30
  h: { ms: 3_600_000, chars: 16 }, // 2026-11-03T09:00
  d: { ms: 86_400_000, chars: 10 }, // 2026-11-03
};

/**
 * The `bin(unit)` key of a record's time, e.g. `2026-11-03T09:00` for `1h` and `2026-11-03` for
 * `1d` (UTC). Throws for units other than `<n>s`, `<n>m`, `<n>h`, `<n>d` and for a record without
 * a parseable time.
 */
export function binKey(record: LogRecord, unit: string): string {
  const m = /^(\d+)([smhd])$/.exec(unit);
  if (!m || Number(m[1]) === 0) throw new Error(`unsupported bin(${unit})`);
  const { ms, chars } = BIN_UNITS[m[2]];
  const raw = fieldValue(record, '@timestamp');
  const time = typeof raw === 'string' || typeof raw === 'number' ? Date.parse(String(raw)) : NaN;
  if (Number.isNaN(time)) throw new Error(`bin(${unit}): record has no time (${String(raw)})`);
  const size = ms * Number(m[1]);
  return new Date(Math.floor(time / size) * size).toISOString().slice(0, chars);
}

// ----- stats ---------------------------------------------------------------------------------

function numbersOf(members: readonly LogRecord[], name: string): number[] {
  return members.map((r) => fieldValue(r, name)).filter((v): v is number => typeof v === 'number');
}

function aggregate(expr: string): (members: readonly LogRecord[]) => number | null {
  const m = /^(count|sum|avg|min|max)\(\s*([^)]*?)\s*\)$/.exec(expr);
  if (!m) throw new Error(`unsupported aggregate: ${expr}`);
  const [, fn, arg] = m;
  if (fn === 'count' && arg === '*') return (members) => members.length;
  const name = field(arg, expr);
  // Like Logs Insights, the aggregates skip records without the field; none at all gives null.
  switch (fn) {
    case 'count':
      return (members) =>
        members.filter((r) => fieldValue(r, name) !== undefined && fieldValue(r, name) !== null)
          .length;
    case 'sum':
      return (members) => {
        const v = numbersOf(members, name);
        return v.length > 0 ? v.reduce((x, y) => x + y, 0) : null;
      };
    case 'avg':
      return (members) => {
        const v = numbersOf(members, name);
        return v.length > 0 ? v.reduce((x, y) => x + y, 0) / v.length : null;
      };
    case 'min':
      return (members) => {
        const v = numbersOf(members, name);
        return v.length > 0 ? Math.min(...v) : null;
      };
    default:
      return (members) => {
        const v = numbersOf(members, name);
        return v.length > 0 ? Math.max(...v) : null;
      };
  }
}

function stats(rest: string, items: readonly LogRecord[]): { rows: Row[]; columns: string[] } {
  const [aggText, byText, extra] = rest.split(/\s+by\s+/);
  if (extra !== undefined || !aggText.trim()) throw new Error(`unsupported stats: ${rest}`);
  const aggs = splitTopLevel(aggText)
    .map(aliasOf)
    .map((a) => ({ column: a.alias ?? a.expr, fn: aggregate(a.expr) }));
  const groups = splitTopLevel(byText ?? '')
    .map(aliasOf)
    .map((g) => {
      const bin = /^bin\(\s*(\w+)\s*\)$/.exec(g.expr);
      const name = bin ? undefined : field(g.expr, `stats ... by ${byText}`);
      const key = bin
        ? (record: LogRecord) => binKey(record, bin[1])
        : (record: LogRecord) => toCell(fieldValue(record, name!));
      return { column: g.alias ?? g.expr, key };
    });
  const buckets = new Map<string, { key: Row; members: LogRecord[] }>();
  for (const record of items) {
    const key: Row = {};
    for (const g of groups) key[g.column] = g.key(record);
    const id = JSON.stringify(key);
    if (!buckets.has(id)) buckets.set(id, { key, members: [] });
    buckets.get(id)!.members.push(record);
  }
  const rows = [...buckets.values()].map(({ key, members }) => {
    const row: Row = { ...key };
    for (const a of aggs) row[a.column] = a.fn(members);
    return row;
  });
  return { rows, columns: [...groups.map((g) => g.column), ...aggs.map((a) => a.column)] };
}

// ----- sort ----------------------------------------------------------------------------------

/** Ascending order: empty cells first, then text, then numbers (as Logs Insights sorts). */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) => (v === undefined || v === null ? 0 : typeof v === 'number' ? 2 : 1);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  const x = ra === 2 ? (a as number) : String(a);
  const y = rb === 2 ? (b as number) : String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sorter(rest: string): (a: LogRecord, b: LogRecord) => number {
  const keys = splitTopLevel(rest).map((part) => {
    const m = /^(\S+)\s+(asc|desc)$/i.exec(part);
    if (!m) throw new Error(`unsupported sort (a field and asc or desc): ${part}`);
    return { name: field(m[1], `sort ${rest}`), sign: m[2].toLowerCase() === 'asc' ? 1 : -1 };
  });
  if (keys.length === 0) throw new Error('sort without a field');
  return (a, b) => {
    for (const { name, sign } of keys) {
      const c = compareValues(fieldValue(a, name), fieldValue(b, name));
      if (c !== 0) return sign * c;
    }
    return 0;
  };
}

// ----- the evaluator -------------------------------------------------------------------------

/**
 * Runs a Logs Insights query over records and returns the result rows. Without `fields` or
 * `stats` the rows hold `@timestamp` and `@message` (the record as JSON), as in the console.
 * Throws on any command, function or syntax outside the supported subset.
 */
export function evaluateLogsInsights(query: string, records: readonly LogRecord[]): Row[] {
  let items: LogRecord[] = [...records];
  let columns: string[] | undefined;
  for (const command of commands(query)) {
    const [verb] = command.split(/\s+/, 1);
    const rest = command.slice(verb.length).trim();
    switch (verb) {
      case 'fields': {
        const parts = splitTopLevel(rest).map(aliasOf);
        if (parts.length === 0) throw new Error('fields without a field');
        const added = parts.map((p) => ({ name: field(p.expr, command), column: p.alias }));
        items = items.map((item) => {
          const extended = { ...item };
          for (const a of added) if (a.column) extended[a.column] = fieldValue(item, a.name);
          return extended;
        });
        columns = [...(columns ?? []), ...added.map((a) => a.column ?? a.name)];
        break;
      }
      case 'filter': {
        const condition = parseFilterCondition(rest);
        items = items.filter(condition);
        break;
      }
      case 'stats': {
        const result = stats(rest, items);
        items = result.rows;
        columns = result.columns;
        break;
      }
      case 'sort':
        items = [...items].sort(sorter(rest));
        break;
      case 'limit': {
        if (!/^\d+$/.test(rest) || Number(rest) === 0)
          throw new Error(`unsupported limit: ${rest}`);
        items = items.slice(0, Number(rest));
        break;
      }
      default:
        throw new Error(`unsupported command: ${verb}`);
    }
  }
  if (!columns) {
    return items.map((item) => ({
      '@timestamp': toCell(fieldValue(item, '@timestamp')),
      '@message': JSON.stringify(item),
    }));
  }
  const cols = columns;
  return items.map((item) => Object.fromEntries(cols.map((c) => [c, toCell(fieldValue(item, c))])));
}
