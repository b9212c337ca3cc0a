// Tests of athena_sql.mjs (the Trino → DuckDB translation, parameter binding, scan analysis):
// node --test emulator/athena_sql.test.mjs
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  bindParameters,
  isConstant,
  parseTree,
  position,
  pseudoColumns,
  QueryError,
  scans,
  sessionStatements,
  translations,
} from './athena_sql.mjs';

const NOW = '2026-11-20T12:30:00.000Z'; // a Friday

/** One value of `sql` on a DuckDB connection prepared for Trino at NOW. */
async function value(sql) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const statement of sessionStatements(NOW)) await connection.run(statement);
    return String((await connection.runAndReadAll(sql)).getRowsJson()[0][0]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function parsed(sql) {
  const text = await value(`SELECT json_serialize_sql('${sql.replace(/'/g, "''")}')`);
  return parseTree(text).statements[0].node;
}

describe('translation', () => {
  test('current_timestamp and now() are the emulator clock, in UTC', async () => {
    assert.equal(
      await value('SELECT CAST(current_timestamp AS VARCHAR)'),
      '2026-11-20 12:30:00+00',
    );
    assert.equal(await value('SELECT CAST(now() AS VARCHAR)'), '2026-11-20 12:30:00+00');
    assert.equal(await value('SELECT CAST(current_date AS VARCHAR)'), '2026-11-20');
  });

  test("the queries' partition bounds fold as Athena folds them", async () => {
    const dtFormat = `'%Y/%m/%d/%H'`;
    assert.equal(
      await value(`SELECT date_format(current_timestamp - INTERVAL '7' DAY, ${dtFormat})`),
      '2026/11/13/12',
    );
    assert.equal(
      await value(
        `SELECT date_format(date_trunc('month', current_timestamp) - INTERVAL '1' MONTH - INTERVAL '1' HOUR, ${dtFormat})`,
      ),
      '2026/09/30/23',
    );
    assert.equal(
      await value(
        `SELECT date_format(from_iso8601_timestamp('2026-11-01T00:00:00Z') + INTERVAL '1' HOUR, ${dtFormat})`,
      ),
      '2026/11/01/01',
    );
  });

  test("date_format takes Trino's MySQL specifiers (%i minutes, %M month name, %T time)", async () => {
    assert.equal(
      await value(
        `SELECT date_format(TIMESTAMPTZ '2026-11-20 09:05:07+00', '%M %e, %H:%i:%s %T %W')`,
      ),
      'November 20, 09:05:07 09:05:07 Friday',
    );
  });

  test('from_iso8601_timestamp reads Z, offsets and dates; from_iso8601_date reads dates', async () => {
    const text = (s) => `SELECT CAST(from_iso8601_timestamp('${s}') AS VARCHAR)`;
    assert.equal(await value(text('2026-11-02T14:05:09Z')), '2026-11-02 14:05:09+00');
    assert.equal(await value(text('2026-11-02T14:05:09.5+02:00')), '2026-11-02 12:05:09.5+00');
    assert.equal(await value(text('2026-11-01')), '2026-11-01 00:00:00+00');
    assert.equal(
      await value(`SELECT CAST(from_iso8601_date('2026-11-01') AS VARCHAR)`),
      '2026-11-01',
    );
  });

  test("at_timezone gives the zone's wall time: hour() and day_of_week (ISO, Monday 1) read it", async () => {
    // Friday 23:30 UTC is Saturday 00:30 in Paris.
    const local = `at_timezone(from_iso8601_timestamp('2026-11-20T23:30:00Z'), 'Europe/Paris')`;
    assert.equal(await value(`SELECT hour(${local})`), '0');
    assert.equal(await value(`SELECT day_of_week(${local})`), '6');
    assert.equal(await value(`SELECT day_of_week(DATE '2026-11-22')`), '7');
  });

  test('integer division truncates like Trino; a double operand divides exactly', async () => {
    assert.equal(await value('SELECT 7 / 2'), '3');
    assert.equal(await value('SELECT -7 / 2'), '-3');
    assert.equal(await value('SELECT CAST(7 AS double) / 2'), '3.5');
  });

  test('count_if counts 0 over NULLs, as Trino does (DuckDB would answer NULL)', async () => {
    assert.equal(
      await value('SELECT count_if(x) FROM (VALUES (CAST(NULL AS BOOLEAN)), (NULL)) AS v (x)'),
      '0',
    );
    assert.equal(await value('SELECT count_if(x > 1) FROM (VALUES (1), (2), (3)) AS v (x)'), '2');
  });

  test('the clock must be a time', () => {
    assert.throws(() => translations('yesterday'), /now is not a time: yesterday/);
  });
});

describe('bindParameters', () => {
  test('replaces ? placeholders in order with the literal text', () => {
    assert.equal(
      bindParameters('SELECT * FROM t WHERE a >= ? AND b < ?', ["'2026-11-01'", '42']),
      "SELECT * FROM t WHERE a >= '2026-11-01' AND b < 42",
    );
  });

  test('leaves ? inside strings, quoted identifiers and comments alone', () => {
    const sql = `SELECT '?', 'it''s ?', "a?b" -- why?\n, ? /* ? */ FROM t`;
    assert.equal(
      bindParameters(sql, ['1']),
      `SELECT '?', 'it''s ?', "a?b" -- why?\n, 1 /* ? */ FROM t`,
    );
  });

  test('a query without parameters is unchanged', () => {
    assert.equal(bindParameters('SELECT 1', undefined), 'SELECT 1');
  });

  test('the number of parameters must match the placeholders', () => {
    for (const [sql, parameters, expected, found] of [
      ['SELECT ?', [], 1, 0],
      ['SELECT ?', ['1', '2'], 1, 2],
      ['SELECT 1', ['1'], 0, 1],
    ]) {
      assert.throws(
        () => bindParameters(sql, parameters),
        (err) =>
          err instanceof QueryError &&
          err.type === 'INVALID_PARAMETER_USAGE' &&
          err.message ===
            `INVALID_PARAMETER_USAGE: Incorrect number of parameters: expected ${expected} but found ${found}`,
      );
    }
  });
});

describe('scans', () => {
  test('a scan in a CTE gets its WHERE predicates on its alias; CTE references are not scans', async () => {
    const node = await parsed(`WITH c AS (
      SELECT * FROM db.logs l JOIN profiles p ON p.arn = l.arn
      WHERE l.dt >= date_format(current_timestamp, '%Y') AND l.kind = 'x' AND p.team = l.team
        AND l.dt BETWEEN '1' AND '2' AND l.dt IN ('a', 'b') AND '3' > l.dt AND l.dt >= l.other)
      SELECT * FROM c`);
    const found = scans(node).map((s) => ({
      ...s,
      predicates: s.predicates.map((p) => `${p.column} ${p.op} ${p.exprs.length}`),
    }));
    assert.deepEqual(
      found.map(({ schema, table, predicates }) => ({ schema, table, predicates })),
      [
        {
          schema: 'db',
          table: 'logs',
          predicates: ['dt >= 1', 'kind = 1', 'dt between 2', 'dt in 2', 'dt < 1'],
        },
        { schema: '', table: 'profiles', predicates: [] },
      ],
    );
  });

  test('an unqualified column belongs to the only table of its FROM, not to a join', async () => {
    assert.deepEqual(
      scans(await parsed("SELECT * FROM t WHERE dt = 'x'")).map((s) => s.predicates.length),
      [1],
    );
    assert.deepEqual(
      scans(await parsed("SELECT * FROM t JOIN u ON true WHERE dt = 'x'")).map(
        (s) => s.predicates.length,
      ),
      [0, 0],
    );
  });

  test('only top-level AND conjuncts prune: an OR or a subquery does not', async () => {
    const node = await parsed(
      "SELECT * FROM t WHERE (dt = 'a' OR dt = 'b') AND dt = (SELECT max(dt) FROM u)",
    );
    assert.deepEqual(
      scans(node).map((s) => [s.table, s.predicates.length]),
      [
        ['t', 0],
        ['u', 0],
      ],
    );
  });

  test('constants may use the clock, not columns, subqueries or parameters', async () => {
    const exprOf = async (e) => (await parsed(`SELECT ${e}`)).select_list[0];
    assert.equal(isConstant(await exprOf("date_format(current_timestamp, '%Y') || 'x'")), true);
    assert.equal(isConstant(await exprOf('a + 1')), false);
    assert.equal(isConstant(await exprOf('(SELECT 1)')), false);
  });

  test('pseudoColumns lists the $-columns a query names', async () => {
    const node = await parsed('SELECT "$path", l."$file_size", x FROM t l');
    assert.deepEqual(pseudoColumns(node), ['$file_size', '$path']);
  });
});

test("position gives Trino's line:column of a byte offset", () => {
  assert.equal(position('SELECT\n  é, x', 13), 'line 2:6'); // é is two bytes
  assert.equal(position('SELECT x', 7), 'line 1:8');
});
