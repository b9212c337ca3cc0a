// Athena (Trino) SQL on DuckDB, for the emulator's Athena (athena_engine.mjs): the dialect
// translation, ExecutionParameters binding, and the analysis of a parsed query that tells the
// emulator which tables it reads and which partitions its predicates admit.
//
// The translation is a table of DuckDB macros named after the Trino functions DuckDB lacks or
// spells differently (TRANSLATIONS, documented in README.md "Amazon Athena — query execution"):
// the query text itself is never rewritten, so DuckDB's error positions are the user's.

/** The session settings that give DuckDB Trino's semantics for what the queries use. */
export const SESSION_SETTINGS = [
  // Athena's session time zone: current_timestamp, date_trunc, hour(), date_format print UTC.
  "SET TimeZone = 'UTC'",
  // Trino divides integers as integers (7 / 2 = 3); DuckDB's `/` would answer 3.5.
  'SET integer_division = true',
];

/**
 * Trino's MySQL-style date_format specifiers that differ from strftime's, in the order they are
 * rewritten (%M first: it is Trino's month name but strftime's minutes, which Trino writes %i).
 * The rest (%Y %m %d %H %S %j %f %y %a %b %p %I %h) mean the same in both.
 */
export const DATE_FORMAT_SPECIFIERS = [
  ['%M', '%B'],
  ['%W', '%A'],
  ['%i', '%M'],
  ['%s', '%S'],
  ['%e', '%-d'],
  ['%c', '%-m'],
  ['%T', '%H:%M:%S'],
  ['%r', '%I:%M:%S %p'],
];

const formatExpr = DATE_FORMAT_SPECIFIERS.reduce(
  (expr, [from, to]) => `replace(${expr}, '${from}', '${to}')`,
  'fmt',
);

/** A SQL literal of a JavaScript string. */
export function sqlString(text) {
  return `'${String(text).replace(/'/g, "''")}'`;
}

/**
 * The translation table: Trino function → DuckDB macro. `now` is the emulator clock, an ISO 8601
 * instant; `current_timestamp` and `now()` answer it (DuckDB's would answer the host's time).
 */
export function translations(now) {
  const instant = new Date(now);
  if (Number.isNaN(instant.getTime())) throw new Error(`now is not a time: ${now}`);
  const clock = `TIMESTAMPTZ ${sqlString(instant.toISOString().replace('T', ' ').replace('Z', '+00'))}`;
  const today = `DATE ${sqlString(instant.toISOString().slice(0, 10))}`;
  return [
    { trino: 'current_timestamp, now()', macro: `get_current_timestamp() AS ${clock}` },
    { trino: 'now()', macro: `now() AS ${clock}` },
    { trino: 'current_date', macro: `current_date() AS ${today}` },
    { trino: 'date_format(ts, fmt)', macro: `date_format(ts, fmt) AS strftime(ts, ${formatExpr})` },
    {
      trino: 'from_iso8601_timestamp(s)',
      macro: 'from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)',
    },
    { trino: 'from_iso8601_date(s)', macro: 'from_iso8601_date(s) AS CAST(s AS DATE)' },
    { trino: 'at_timezone(ts, zone)', macro: 'at_timezone(ts, zone) AS timezone(zone, ts)' },
    { trino: 'day_of_week(ts)', macro: 'day_of_week(ts) AS isodow(ts)' },
    // DuckDB's count_if answers NULL when no input is true but some are NULL; Trino counts 0.
    { trino: 'count_if(b)', macro: 'count_if(b) AS count(CASE WHEN b THEN 1 END)' },
  ];
}

/** The statements that prepare a DuckDB connection for Trino SQL at the emulator's `now`. */
export function sessionStatements(now) {
  return [
    ...SESSION_SETTINGS,
    ...translations(now).map((t) => `CREATE OR REPLACE TEMP MACRO ${t.macro}`),
  ];
}

/** A user error of the query, reported as Athena reports it (`TYPE: line L:C: message`). */
export class QueryError extends Error {
  constructor(type, message) {
    super(`${type}: ${message}`);
    this.type = type;
  }
}

/**
 * `sql` with its `?` placeholders replaced, in order, by `parameters` (SQL literal text, as
 * Athena's ExecutionParameters). Placeholders inside string literals, quoted identifiers and
 * comments are not placeholders.
 */
export function bindParameters(sql, parameters) {
  const values = parameters ?? [];
  let out = '';
  let used = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const two = sql.slice(i, i + 2);
    let end;
    if (ch === "'" || ch === '"') {
      end = i + 1;
      while (end < sql.length && !(sql[end] === ch && sql[end + 1] !== ch)) {
        end += sql[end] === ch ? 2 : 1;
      }
      end += 1;
    } else if (two === '--') {
      end = sql.indexOf('\n', i);
      end = end < 0 ? sql.length : end;
    } else if (two === '/*') {
      end = sql.indexOf('*/', i + 2);
      end = end < 0 ? sql.length : end + 2;
    } else if (ch === '?') {
      if (used < values.length) out += values[used];
      used += 1;
      i += 1;
      continue;
    } else {
      end = i + 1;
    }
    out += sql.slice(i, end);
    i = end;
  }
  if (used !== values.length) {
    throw new QueryError(
      'INVALID_PARAMETER_USAGE',
      `Incorrect number of parameters: expected ${used} but found ${values.length}`,
    );
  }
  return out;
}

/** `line L:C` of a byte offset of `sql` (DuckDB's query_location), 1-based like Trino's. */
export function position(sql, offset) {
  const before = Buffer.from(sql, 'utf8').subarray(0, offset).toString('utf8');
  const lines = before.split('\n');
  return `line ${lines.length}:${lines[lines.length - 1].length + 1}`;
}

// ----------------------------------------------------------------------------- analysis

/** The names DuckDB parses as column references but binds to the clock. */
const CLOCK_NAMES = new Set([
  'current_timestamp',
  'current_date',
  'current_time',
  'localtimestamp',
]);

const COMPARISONS = {
  COMPARE_EQUAL: '=',
  COMPARE_NOTEQUAL: '<>',
  COMPARE_LESSTHAN: '<',
  COMPARE_GREATERTHAN: '>',
  COMPARE_LESSTHANOREQUALTO: '<=',
  COMPARE_GREATERTHANOREQUALTO: '>=',
};
const FLIPPED = { '=': '=', '<>': '<>', '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

/** Every object of a parse tree (depth first). */
function* nodes(value) {
  if (Array.isArray(value)) {
    for (const v of value) yield* nodes(v);
  } else if (value && typeof value === 'object') {
    yield value;
    for (const v of Object.values(value)) yield* nodes(v);
  }
}

/** Whether an expression is constant for the query: no column, subquery, parameter or window. */
export function isConstant(expr) {
  for (const n of nodes(expr)) {
    if (n.class === 'COLUMN_REF') {
      if (n.column_names.length !== 1 || !CLOCK_NAMES.has(n.column_names[0].toLowerCase())) {
        return false;
      }
    } else if (['SUBQUERY', 'PARAMETER', 'WINDOW', 'STAR', 'LAMBDA'].includes(n.class)) {
      return false;
    }
  }
  return true;
}

/** The base tables directly in a FROM clause (joins walked, subqueries not). */
function fromTables(from) {
  if (!from) return [];
  if (from.type === 'BASE_TABLE') return [from];
  if (from.type === 'JOIN') return [...fromTables(from.left), ...fromTables(from.right)];
  return [];
}

function conjuncts(expr) {
  if (!expr) return [];
  if (expr.class === 'CONJUNCTION' && expr.type === 'CONJUNCTION_AND') {
    return expr.children.flatMap(conjuncts);
  }
  return [expr];
}

/** `{column, qualifier, op, exprs}` of a conjunct comparing a column with constants, else null. */
function columnPredicate(expr) {
  const column = (e) =>
    e?.class === 'COLUMN_REF' && e.column_names.length <= 2 && !isConstant(e) ? e : null;
  const named = (ref, op, exprs) => ({
    column: ref.column_names.at(-1).toLowerCase(),
    qualifier: ref.column_names.length === 2 ? ref.column_names[0].toLowerCase() : null,
    op,
    exprs,
  });
  if (expr.class === 'COMPARISON' && COMPARISONS[expr.type]) {
    const op = COMPARISONS[expr.type];
    if (column(expr.left) && isConstant(expr.right)) return named(expr.left, op, [expr.right]);
    if (column(expr.right) && isConstant(expr.left)) {
      return named(expr.right, FLIPPED[op], [expr.left]);
    }
  }
  if (expr.class === 'BETWEEN' && column(expr.input)) {
    if (isConstant(expr.lower) && isConstant(expr.upper)) {
      return named(expr.input, 'between', [expr.lower, expr.upper]);
    }
  }
  if (expr.type === 'COMPARE_IN' && column(expr.children[0])) {
    const list = expr.children.slice(1);
    if (list.every(isConstant)) return named(expr.children[0], 'in', list);
  }
  return null;
}

/**
 * What a parsed SELECT statement (json_serialize_sql's tree) reads: one entry per base-table scan,
 * `{catalog, schema, table, location, predicates: [{column, op, exprs}]}`. A scan's predicates are
 * the top-level AND conjuncts of the WHERE of the SELECT whose FROM holds it that compare one of
 * its columns (qualified by its alias or name, or unqualified when it is the FROM's only table)
 * with constant expressions; CTE references are not scans.
 */
export function scans(statement) {
  const cteNames = new Set();
  for (const n of nodes(statement)) {
    for (const entry of n.cte_map?.map ?? []) cteNames.add(entry.key.toLowerCase());
  }
  const found = [];
  for (const n of nodes(statement)) {
    if (n.type !== 'SELECT_NODE') continue;
    const tables = fromTables(n.from_table).filter(
      (t) => t.schema_name || t.catalog_name || !cteNames.has(t.table_name.toLowerCase()),
    );
    const only = n.from_table?.type === 'BASE_TABLE';
    const predicates = conjuncts(n.where_clause).map(columnPredicate).filter(Boolean);
    for (const t of tables) {
      const name = (t.alias || t.table_name).toLowerCase();
      found.push({
        catalog: t.catalog_name,
        schema: t.schema_name,
        table: t.table_name,
        location: t.query_location,
        predicates: predicates
          .filter((p) => (p.qualifier === null ? only : p.qualifier === name))
          .map(({ column, op, exprs }) => ({ column, op, exprs })),
      });
    }
  }
  return found;
}

/** The pseudo-columns (`"$path"`, ...) a parsed statement names, lowercased. */
export function pseudoColumns(statement) {
  const names = new Set();
  for (const n of nodes(statement)) {
    const last = n.class === 'COLUMN_REF' ? n.column_names.at(-1) : undefined;
    if (last?.startsWith('$')) names.add(last.toLowerCase());
  }
  return [...names].sort();
}

/** json_serialize_sql's text, parsed (its "no location" marker, 2^64-1, does not survive JSON.parse). */
export function parseTree(text) {
  return JSON.parse(
    text.replace(/"query_location":18446744073709551615/g, '"query_location":null'),
  );
}

/** A copy of an expression tree without query locations, for json_deserialize_sql. */
export function withoutLocations(value) {
  if (Array.isArray(value)) return value.map(withoutLocations);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'query_location')
        .map(([k, v]) => [k, withoutLocations(v)]),
    );
  }
  return value;
}
