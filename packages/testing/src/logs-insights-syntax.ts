/*
 * The lexical parts of the Logs Insights subset that `evaluateLogsInsights` runs (see
 * logs-insights.ts): records and rows, field paths, splitting a query into commands and a command
 * into its comma-separated parts.
 */

/** A parsed log event: one JSON object. */
export type LogRecord = Record<string, unknown>;

/** A result row: column to value, `null` where Logs Insights shows an empty cell. */
export type Row = Record<string, string | number | null>;

/** The value at a dotted path (`input.inputTokenCount`), or `undefined` if any step is missing. */
export function valueAt(record: unknown, path: string): unknown {
  let cur: unknown = record;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * A field of a record or of an intermediate row: a column of that name if there is one (a `fields`
 * alias or a `stats` output), otherwise the dotted path into the record.
 */
export function fieldValue(item: LogRecord, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(item, name)) return item[name];
  if (name === '@timestamp') return item.timestamp;
  return valueAt(item, name);
}

/** Splits on commas that are outside parentheses and quotes. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0 && !quote) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** `expr as alias` split into its parts (`alias` is absent without `as`). */
export function aliasOf(expr: string): { expr: string; alias?: string } {
  const m = /^(.*?)\s+as\s+(\w+)$/.exec(expr.trim());
  return m ? { expr: m[1].trim(), alias: m[2] } : { expr: expr.trim() };
}

/** The commands of a query, without comment lines, split on `|` outside quotes. */
export function commands(query: string): string[] {
  const text = query
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n');
  const parts: string[] = [];
  let quote: string | undefined;
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    if (ch === '|' && !quote) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((c) => c.trim()).filter((c) => c.length > 0);
}

/** A value as a result cell: strings and numbers as they are, booleans as text, else empty. */
export function toCell(value: unknown): string | number | null {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return String(value);
  return null;
}

const FIELD = /^[@\w][\w.@]*$/;

/** A field name (a dotted path, `@timestamp`); throws, naming `context`, on anything else. */
export function field(text: string, context: string): string {
  if (!FIELD.test(text)) throw new Error(`unsupported field in ${context}: ${text}`);
  return text;
}
