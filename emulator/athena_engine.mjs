// The emulator's Athena query engine: DuckDB (@duckdb/node-api) behind a JSON-lines protocol on
// stdin/stdout, one request per line, answered in order (client: athena_engine.py).
//
//   {"id": 1, "op": "plan", "sql": "...", "parameters": ["'2026-11-01'"], "now": "<ISO 8601>",
//    "catalog": "awsdatacatalog", "database": "db"}
//   → {"id": 1, "sql": "<parameters bound>", "scans": [{"catalog", "database", "table",
//       "position": "line 3:8", "predicates": [{"column", "op", "values": [{"type", "value"}]}]}],
//      "pseudo": ["$path"]}
//   {"id": 2, "op": "run", "sql": "<bound>", "now", "catalog", "database",
//    "tables": [{"database", "table", "columns": [{"name", "type"}], "file": "<rows as NDJSON>"}]}
//   → {"id": 2, "columns": [{"name", "type", "precision", "scale"}], "rows": [["1", null]]}
//   a query error → {"id": n, "error": {"type": "SYNTAX_ERROR", "message": "SYNTAX_ERROR: line 1:8: ..."}}
//
// `now` is the emulator clock (current_timestamp); every request gets a fresh in-memory database.
// Types are Athena's names; values are strings as GetQueryResults returns them (null for NULL).
// The process exits when stdin closes.
import { createInterface } from 'node:readline';
import { DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';
import {
  bindParameters,
  parseTree,
  position,
  pseudoColumns,
  QueryError,
  scans,
  sessionStatements,
  sqlString,
  withoutLocations,
} from './athena_sql.mjs';

const ident = (name) => `"${String(name).replace(/"/g, '""')}"`;
/** No file or network access for the query itself (only the engine loads the tables' rows). */
const LOCK_DOWN = 'SET enable_external_access = false';

/** Athena's name, precision and scale of a DuckDB result type. */
export function athenaType(type) {
  const named = (name, precision = 0, scale = 0) => ({ type: name, precision, scale });
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
      return named('varchar', 2147483647);
    case DuckDBTypeId.BOOLEAN:
      return named('boolean');
    case DuckDBTypeId.TINYINT:
      return named('tinyint', 3);
    case DuckDBTypeId.SMALLINT:
      return named('smallint', 5);
    case DuckDBTypeId.INTEGER:
      return named('integer', 10);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT: // SUM(bigint): Trino answers bigint
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UINTEGER:
      return named('bigint', 19);
    case DuckDBTypeId.FLOAT:
      return named('real', 9);
    case DuckDBTypeId.DOUBLE:
      return named('double', 17);
    case DuckDBTypeId.DECIMAL:
      return named('decimal', type.width, type.scale);
    case DuckDBTypeId.DATE:
      return named('date');
    case DuckDBTypeId.TIMESTAMP:
      return named('timestamp', 3);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return named('timestamp with time zone', 3);
    case DuckDBTypeId.TIME:
      return named('time', 3);
    case DuckDBTypeId.INTERVAL:
      return named('interval day to second');
    case DuckDBTypeId.BLOB:
      return named('varbinary', 2147483647);
    case DuckDBTypeId.UUID:
      return named('uuid');
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return named('array');
    case DuckDBTypeId.MAP:
      return named('map');
    case DuckDBTypeId.STRUCT:
      return named('row');
    default:
      return named(type.toString().toLowerCase());
  }
}

/** A double as Java's Double.toString prints it (Trino's text of a double), e.g. 1.0E-4, 0.25. */
export function javaDouble(x, digits = 17) {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(Number(x.toPrecision(digits)));
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = Number(x.toPrecision(digits)).toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** A float (real) as Java's Float.toString: the shortest digits that round-trip in 32 bits. */
function javaFloat(x) {
  for (let p = 1; p <= 9 && Number.isFinite(x); p++) {
    if (Math.fround(Number(x.toPrecision(p))) === x) return javaDouble(Number(x.toPrecision(p)));
  }
  return javaDouble(x);
}

/** `2026-11-02 14:05:09.000` from microseconds since the epoch (Trino's timestamp(3) text). */
function timestampText(micros) {
  const iso = new Date(Number(micros / 1000n)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** A value as Athena's VarCharValue (Trino's text of it); null for NULL. */
export function athenaText(type, value) {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case DuckDBTypeId.DOUBLE:
      return javaDouble(value);
    case DuckDBTypeId.FLOAT:
      return javaFloat(value);
    case DuckDBTypeId.TIMESTAMP:
      return timestampText(value.micros);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return `${timestampText(value.micros)} UTC`;
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return `[${value.items.map((v) => athenaText(type.valueType, v) ?? 'null').join(', ')}]`;
    case DuckDBTypeId.MAP:
      return `{${value.entries
        .map(
          (e) =>
            `${athenaText(type.keyType, e.key)}=${athenaText(type.valueType, e.value) ?? 'null'}`,
        )
        .join(', ')}}`;
    case DuckDBTypeId.STRUCT:
      return `{${type.entryNames
        .map(
          (name, i) => `${name}=${athenaText(type.entryTypes[i], value.entries[name]) ?? 'null'}`,
        )
        .join(', ')}}`;
    default:
      return String(value);
  }
}

/** The Athena error type of a DuckDB error message. */
function errorType(message) {
  if (/^Parser Error/.test(message)) return 'SYNTAX_ERROR';
  if (/^Binder Error: Referenced column/.test(message)) return 'COLUMN_NOT_FOUND';
  if (/^Catalog Error: Table with name/.test(message)) return 'TABLE_NOT_FOUND';
  if (/^Catalog Error: .*Function with name/.test(message)) return 'FUNCTION_NOT_FOUND';
  if (/^Conversion Error/.test(message)) return 'INVALID_CAST_ARGUMENT';
  if (/^Out of Range Error/.test(message)) return 'NUMERIC_VALUE_OUT_OF_RANGE';
  if (/^Invalid Input Error/.test(message)) return 'INVALID_FUNCTION_ARGUMENT';
  if (/^Permission Error/.test(message)) return 'PERMISSION_DENIED';
  if (/^(Binder|Catalog) Error/.test(message)) return 'SYNTAX_ERROR';
  return 'GENERIC_USER_ERROR';
}

/** A DuckDB error as Athena words one: `TYPE: line L:C: <DuckDB's first line>`. */
export function athenaError(sql, message) {
  const type = errorType(message);
  const [first] = message.split('\n');
  const text = first
    .replace(/^[A-Za-z ]+ Error: /, '')
    .replace(/^Referenced column "([^"]*)" .*$/, "Column '$1' cannot be resolved")
    .replace(/^Scalar Function with name (\S+) does not exist!$/, "Function '$1' not registered");
  const at = /\nLINE (\d+): (.*)\n( *)\^/.exec(message);
  let where = '';
  if (at) {
    const line = Number(at[1]);
    const caret = at[3].length - `LINE ${at[1]}: `.length;
    const shown = at[2].replace(/^\.\.\./, '').replace(/\.\.\.$/, '');
    const actual = sql.split('\n')[line - 1] ?? '';
    const start = at[2].startsWith('...') ? actual.indexOf(shown) - 3 : 0;
    where = start >= -3 ? `line ${line}:${start + caret + 1}: ` : `line ${line}:1: `;
  }
  return new QueryError(type, `${where}${text}`);
}

async function open(now) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  for (const statement of sessionStatements(now)) await connection.run(statement);
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** The constants of a predicate, evaluated: [{type, value}]; null when one cannot be evaluated. */
async function evaluate(connection, template, exprs) {
  const node = withoutLocations({
    ...template,
    select_list: exprs.map((e) => ({ ...e, alias: '' })),
  });
  const tree = JSON.stringify({ error: false, statements: [{ node, named_param_map: [] }] });
  try {
    const sql = (
      await connection.runAndReadAll(`SELECT json_deserialize_sql(${sqlString(tree)})`)
    ).getRows()[0][0];
    const result = await connection.runAndReadAll(sql);
    const types = result.columnTypes();
    return result.getRows()[0].map((v, i) => ({
      type: athenaType(types[i]).type,
      value: athenaText(types[i], v),
    }));
  } catch {
    return null; // not foldable here: the scan is not pruned by this predicate
  }
}

async function serialize(connection, sql) {
  const text = (
    await connection.runAndReadAll(`SELECT json_serialize_sql(${sqlString(sql)})`)
  ).getRows()[0][0];
  return parseTree(text);
}

/** Binds the parameters, parses the query and folds the constants of its partition predicates. */
export async function plan(req) {
  const sql = bindParameters(req.sql, req.parameters);
  const db = await open(req.now);
  try {
    await db.connection.run(LOCK_DOWN);
    const tree = await serialize(db.connection, sql);
    if (tree.error) {
      if (tree.error_type === 'parser') {
        const at = tree.position === undefined ? '' : `${position(sql, Number(tree.position))}: `;
        throw new QueryError('SYNTAX_ERROR', `${at}${tree.error_message}`);
      }
      throw new QueryError('NOT_SUPPORTED', 'the emulator runs SELECT queries only');
    }
    if (JSON.stringify(tree).includes('"type":"SHOW_REF"')) {
      throw new QueryError('NOT_SUPPORTED', 'the emulator runs SELECT queries only');
    }
    if (tree.statements.length !== 1) {
      throw new QueryError(
        'SYNTAX_ERROR',
        `Only one sql statement is allowed. Got: ${tree.statements.length}`,
      );
    }
    const template = (await serialize(db.connection, 'SELECT 1')).statements[0].node;
    const out = [];
    for (const scan of scans(tree.statements[0].node)) {
      const predicates = [];
      for (const p of scan.predicates) {
        const values = await evaluate(db.connection, template, p.exprs);
        if (values) predicates.push({ column: p.column, op: p.op, values });
      }
      out.push({
        catalog: (scan.catalog || req.catalog).toLowerCase(),
        database: (scan.schema || req.database).toLowerCase(),
        table: scan.table.toLowerCase(),
        position: scan.location === null ? 'line 1:1' : position(sql, scan.location),
        predicates,
      });
    }
    return { sql, scans: out, pseudo: pseudoColumns(tree.statements[0].node) };
  } finally {
    db.close();
  }
}

/** Loads the tables' rows and runs the query. */
export async function run(req) {
  const db = await open(req.now);
  const { connection } = db;
  try {
    const catalog = ident(req.catalog);
    await connection.run(`ATTACH ':memory:' AS ${catalog}`);
    const schemas = new Set([req.database, ...req.tables.map((t) => t.database)]);
    for (const schema of schemas) {
      await connection.run(`CREATE SCHEMA IF NOT EXISTS ${catalog}.${ident(schema)}`);
    }
    for (const t of req.tables) {
      const name = `${catalog}.${ident(t.database)}.${ident(t.table)}`;
      const columns = t.columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ');
      await connection.run(`CREATE TABLE ${name} (${columns})`);
      if (t.file) {
        const types = t.columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
        try {
          await connection.run(
            `INSERT INTO ${name} SELECT * FROM read_json(${sqlString(t.file)}, format = 'newline_delimited', columns = {${types}})`,
          );
        } catch (err) {
          throw new QueryError(
            'HIVE_BAD_DATA',
            `${t.database}.${t.table}: ${err.message.split('\n')[0]}`,
          );
        }
      }
    }
    await connection.run(`USE ${catalog}.${ident(req.database)}`);
    await connection.run(LOCK_DOWN);
    let result;
    try {
      result = await connection.runAndReadAll(req.sql);
    } catch (err) {
      throw athenaError(req.sql, err.message);
    }
    const types = result.columnTypes();
    return {
      columns: result.columnNames().map((name, i) => ({ name, ...athenaType(types[i]) })),
      rows: result.getRows().map((row) => row.map((v, i) => athenaText(types[i], v))),
    };
  } finally {
    db.close();
  }
}

async function handle(req) {
  try {
    if (req.op === 'plan') return { id: req.id, ...(await plan(req)) };
    if (req.op === 'run') return { id: req.id, ...(await run(req)) };
    return { id: req.id, fatal: `unknown op ${req.op}` };
  } catch (err) {
    if (err instanceof QueryError) {
      return { id: req.id, error: { type: err.type, message: err.message } };
    }
    return { id: req.id, fatal: String(err?.stack ?? err) };
  }
}

async function main() {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let req;
    try {
      req = JSON.parse(line);
    } catch (err) {
      process.stdout.write(
        `${JSON.stringify({ id: null, fatal: `bad request: ${err.message}` })}\n`,
      );
      continue;
    }
    process.stdout.write(`${JSON.stringify(await handle(req))}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
