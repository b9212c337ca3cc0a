// Tests of athena_engine.mjs (the emulator's Athena engine on DuckDB): node --test emulator/athena_engine.test.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { athenaError, javaDouble, plan, run } from './athena_engine.mjs';
import { QueryError } from './athena_sql.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const NOW = '2026-11-20T12:30:00Z';
const WORK = mkdtempSync(join(tmpdir(), 'athena-engine-test-'));
after(() => rmSync(WORK, { recursive: true, force: true }));

const LOGS = {
  database: 'db',
  table: 'logs',
  columns: [
    { name: 'id', type: 'VARCHAR' },
    { name: 'tokens', type: 'BIGINT' },
    { name: 'identity', type: 'STRUCT("arn" VARCHAR)' },
    { name: 'dt', type: 'VARCHAR' },
    { name: '$path', type: 'VARCHAR' },
  ],
};

/** The LOGS table over these rows (written as the NDJSON file the engine reads). */
function logs(rows) {
  const file = join(WORK, `logs-${Math.random().toString(36).slice(2)}.ndjson`);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return { ...LOGS, file };
}

const query = (sql, tables) =>
  run({ sql, now: NOW, catalog: 'awsdatacatalog', database: 'db', tables });

describe('plan', () => {
  test('binds the parameters and folds the partition predicates with the clock', async () => {
    const planned = await plan({
      sql: "SELECT * FROM logs l WHERE l.dt >= date_format(current_timestamp - INTERVAL '1' DAY, '%Y/%m/%d/%H') AND l.dt < ? AND l.id = 'x'",
      parameters: ["'2026/11/20/12'"],
      now: NOW,
      catalog: 'AwsDataCatalog',
      database: 'DB',
    });
    assert.match(planned.sql, /l\.dt < '2026\/11\/20\/12'/);
    assert.deepEqual(planned.scans, [
      {
        catalog: 'awsdatacatalog',
        database: 'db',
        table: 'logs',
        position: 'line 1:15',
        predicates: [
          { column: 'dt', op: '>=', values: [{ type: 'varchar', value: '2026/11/19/12' }] },
          { column: 'dt', op: '<', values: [{ type: 'varchar', value: '2026/11/20/12' }] },
          { column: 'id', op: '=', values: [{ type: 'varchar', value: 'x' }] },
        ],
      },
    ]);
    assert.deepEqual(planned.pseudo, []);
  });

  test('a qualified table keeps its schema and catalog', async () => {
    const planned = await plan({
      sql: 'SELECT 1 FROM AwsDataCatalog.Other.T',
      now: NOW,
      catalog: 'awsdatacatalog',
      database: 'db',
    });
    assert.deepEqual(
      planned.scans.map((s) => [s.catalog, s.database, s.table]),
      [['awsdatacatalog', 'other', 't']],
    );
  });

  test('a syntax error, a second statement or a non-SELECT is a query error', async () => {
    const planError = (sql) =>
      plan({ sql, now: NOW, catalog: 'awsdatacatalog', database: 'db' }).then(
        () => assert.fail(`${sql} planned`),
        (err) => {
          assert.ok(err instanceof QueryError, String(err));
          return err.message;
        },
      );
    assert.match(
      await planError('SELEC 1'),
      /^SYNTAX_ERROR: line 1:1: syntax error at or near "SELEC"/,
    );
    assert.equal(
      await planError('SELECT 1; SELECT 2'),
      'SYNTAX_ERROR: Only one sql statement is allowed. Got: 2',
    );
    for (const sql of ['CREATE TABLE x (a int)', 'EXPLAIN SELECT 1', 'SHOW TABLES', 'DESCRIBE t']) {
      assert.equal(
        await planError(sql),
        'NOT_SUPPORTED: the emulator runs SELECT queries only',
        sql,
      );
    }
  });
});

describe('run', () => {
  test('reads the rows of the tables and answers Athena types and texts', async () => {
    const table = logs([
      { id: 'a', tokens: 10, identity: { arn: 'arn:1' }, dt: '2026/11/20/10', $path: 's3://b/k1' },
      { id: 'b', tokens: null, identity: null, dt: '2026/11/20/11', $path: 's3://b/k2' },
    ]);
    const result = await query(
      `SELECT id, tokens, SUM(tokens) OVER () AS total, identity, identity.arn AS arn, "$path",
              CAST(tokens AS double) / 3 AS third, tokens > 5 AS big, from_iso8601_timestamp('2026-11-02T14:05:09Z') AS at,
              DATE '2026-11-02' AS day, CAST(1.5 AS DECIMAL(10, 2)) AS price, ARRAY[1, 2] AS list
       FROM logs ORDER BY id`,
      [table],
    );
    assert.deepEqual(
      result.columns.map((c) => `${c.name}:${c.type}`),
      [
        'id:varchar',
        'tokens:bigint',
        'total:bigint',
        'identity:row',
        'arn:varchar',
        '$path:varchar',
        'third:double',
        'big:boolean',
        'at:timestamp with time zone',
        'day:date',
        'price:decimal',
        'list:array',
      ],
    );
    assert.deepEqual(result.columns[10], {
      name: 'price',
      type: 'decimal',
      precision: 10,
      scale: 2,
    });
    assert.deepEqual(result.rows, [
      [
        'a',
        '10',
        '10',
        '{arn=arn:1}',
        'arn:1',
        's3://b/k1',
        '3.3333333333333335',
        'true',
        '2026-11-02 14:05:09.000 UTC',
        '2026-11-02',
        '1.50',
        '[1, 2]',
      ],
      [
        'b',
        null,
        '10',
        null,
        null,
        's3://b/k2',
        null,
        null,
        '2026-11-02 14:05:09.000 UTC',
        '2026-11-02',
        '1.50',
        '[1, 2]',
      ],
    ]);
  });

  test('unqualified, schema-qualified and catalog-qualified names find the table', async () => {
    const table = logs([{ id: 'a' }]);
    for (const name of ['logs', 'db.logs', 'awsdatacatalog.db.logs']) {
      assert.deepEqual((await query(`SELECT count(*) FROM ${name}`, [table])).rows, [['1']]);
    }
  });

  test('rows that do not fit the declared types fail the query as bad data', async () => {
    await assert.rejects(
      query('SELECT count(*) FROM logs', [logs([{ id: 'a', tokens: 'many' }])]),
      (err) => err instanceof QueryError && /^HIVE_BAD_DATA: db\.logs: /.test(err.message),
    );
  });

  test('a table without a file is empty', async () => {
    assert.deepEqual((await query('SELECT count(*) FROM logs', [{ ...LOGS, file: null }])).rows, [
      ['0'],
    ]);
  });

  test("DuckDB's errors come back in Athena's words and positions", async () => {
    const failure = (sql) =>
      query(sql, [{ ...LOGS, file: null }]).then(
        () => assert.fail(`${sql} ran`),
        (err) => err.message,
      );
    assert.equal(
      await failure('SELECT\n  nope FROM logs'),
      "COLUMN_NOT_FOUND: line 2:3: Column 'nope' cannot be resolved",
    );
    assert.equal(
      await failure('SELECT nope(1)'),
      "FUNCTION_NOT_FOUND: line 1:8: Function 'nope' not registered",
    );
    assert.match(
      await failure("SELECT CAST('x' AS INTEGER)"),
      /^INVALID_CAST_ARGUMENT: line 1:8: /,
    );
    // The query cannot read files itself, only the tables the engine loaded.
    assert.match(await failure("SELECT * FROM read_csv('/etc/hostname')"), /^PERMISSION_DENIED: /);
  });
});

test('athenaError places a long line by the text DuckDB shows', () => {
  const sql = `SELECT ${'a, '.repeat(60)}nope FROM t`;
  const shown = sql.slice(150, 210);
  const caret = ' '.repeat('LINE 1: ...'.length + (sql.indexOf('nope') - 150)) + '^';
  const err = athenaError(
    sql,
    `Binder Error: Referenced column "nope" not found in FROM clause!\n\nLINE 1: ...${shown}...\n${caret}`,
  );
  assert.equal(
    err.message,
    `COLUMN_NOT_FOUND: line 1:${sql.indexOf('nope') + 1}: Column 'nope' cannot be resolved`,
  );
});

test("javaDouble prints doubles as Trino does (Java's Double.toString)", () => {
  const cases = [
    [0, '0.0'],
    [1, '1.0'],
    [0.0032, '0.0032'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [0.00012345, '1.2345E-4'],
    [1234567.5, '1234567.5'],
    [12345678, '1.2345678E7'],
    [-2.5e-7, '-2.5E-7'],
    [Number.NaN, 'NaN'],
  ];
  for (const [x, text] of cases) assert.equal(javaDouble(x), text, String(x));
});

test('the child answers JSON lines in order, query errors and protocol faults apart', async () => {
  const child = spawn(process.execPath, [join(HERE, 'athena_engine.mjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (text) => {
    child.stdin.write(`${text}\n`);
    return JSON.parse((await lines.next()).value);
  };
  try {
    const base = { now: NOW, catalog: 'awsdatacatalog', database: 'db' };
    assert.deepEqual(
      (
        await ask(
          JSON.stringify({ id: 1, op: 'plan', sql: 'SELECT ?', parameters: ['42'], ...base }),
        )
      ).sql,
      'SELECT 42',
    );
    assert.deepEqual(
      await ask(JSON.stringify({ id: 2, op: 'run', sql: 'SELECT 42 AS n', tables: [], ...base })),
      {
        id: 2,
        columns: [{ name: 'n', type: 'integer', precision: 10, scale: 0 }],
        rows: [['42']],
      },
    );
    assert.deepEqual(await ask(JSON.stringify({ id: 3, op: 'plan', sql: 'SELECT ?', ...base })), {
      id: 3,
      error: {
        type: 'INVALID_PARAMETER_USAGE',
        message: 'INVALID_PARAMETER_USAGE: Incorrect number of parameters: expected 1 but found 0',
      },
    });
    assert.match((await ask(JSON.stringify({ id: 4, op: 'drop' }))).fatal, /unknown op drop/);
    assert.match((await ask('{not json')).fatal, /^bad request/);
  } finally {
    child.stdin.end();
    await new Promise((resolve) => child.on('exit', resolve));
  }
  assert.equal(child.exitCode, 0);
});
