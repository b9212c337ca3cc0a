import {
  SqlTables,
  aliasesOf,
  allSelects,
  astify,
  hasPartitionFilter,
  uncoalescedReferences,
  unknownColumns,
} from '../src';

/** Two tables: logs with a struct column `input` (field `tokens`) and a partition `dt`. */
const TABLES: SqlTables = new Map([
  ['logs', new Set(['dt', 'identity', 'input', 'input.tokens'])],
  ['people', new Set(['arn', 'team'])],
]);

describe('unknownColumns', () => {
  test('accepts columns, struct fields, aliases, CTE outputs, VALUES and subqueries', () => {
    const sql = `
      WITH per_caller AS (
        SELECT l.identity AS caller, SUM(l.input.tokens) AS tokens
        FROM logs l
        WHERE l.dt >= '2026/01/01'
        GROUP BY l.identity
      )
      SELECT p.team, c.tokens, v.rate, s.n
      FROM per_caller c
      JOIN people p ON p.arn = c.caller
      CROSS JOIN (VALUES (1.5)) AS v (rate)
      CROSS JOIN (SELECT COUNT(*) AS n FROM people) s
      ORDER BY tokens DESC`;
    expect(unknownColumns(sql, TABLES)).toEqual([]);
  });

  test('reports a column the table lacks, a wrong struct field and an unknown table', () => {
    expect(unknownColumns('SELECT l.tokens FROM logs l', TABLES)).toEqual([
      { ref: 'l.tokens', reason: 'not a column of any relation in scope' },
    ]);
    expect(unknownColumns('SELECT l.input.count FROM logs l', TABLES)).toEqual([
      { ref: 'l.input.count', reason: 'not a column of any relation in scope' },
    ]);
    expect(unknownColumns('SELECT team FROM teams', TABLES)).toEqual([
      { ref: 'teams', reason: 'unknown table' },
      { ref: 'team', reason: 'not a column of any relation in scope' },
    ]);
  });

  test("checks a CTE's body and what reads it, and a JOIN's ON clause", () => {
    expect(
      unknownColumns(
        'WITH c AS (SELECT l.dt AS day FROM logs l) SELECT c.dt FROM c JOIN people p ON p.name = c.day',
        TABLES,
      ).map((p) => p.ref),
    ).toEqual(['c.dt', 'p.name']);
  });

  test('does not change the tables it is given', () => {
    unknownColumns('WITH extra AS (SELECT arn FROM people) SELECT arn FROM extra', TABLES);
    expect([...TABLES.keys()]).toEqual(['logs', 'people']);
  });

  test('a statement the parser rejects throws', () => {
    expect(() => unknownColumns('SELEC nothing', TABLES)).toThrow();
  });
});

describe('query finders', () => {
  const sql = `
    WITH recent AS (SELECT r.identity FROM logs r WHERE r.dt >= '2026/01/01' AND r.identity IS NOT NULL)
    SELECT a.identity, COALESCE(a.input.tokens, 0) AS tokens, b.input.tokens AS raw
    FROM logs a JOIN logs b ON a.identity = b.identity
    WHERE a.identity IN (SELECT identity FROM recent) AND a.dt = '2026/01/02'`;

  test('allSelects: the query, its CTEs and subqueries', () => {
    expect(allSelects(sql)).toHaveLength(3);
    expect(allSelects('SELECT 1')).toHaveLength(1);
  });

  test('aliasesOf: the aliases a SELECT reads a table under', () => {
    const [main] = allSelects(sql).filter((s) => aliasesOf(s, 'logs').length === 2);
    expect(aliasesOf(main, 'logs')).toEqual(['a', 'b']);
    expect(aliasesOf(main, 'people')).toEqual([]);
    expect(aliasesOf(astify('SELECT dt FROM logs'), 'logs')).toEqual(['logs']);
  });

  test('hasPartitionFilter: a dt comparison at the top of the AND chain, for that alias', () => {
    const selects = allSelects(sql);
    const main = selects.find((s) => aliasesOf(s, 'logs').includes('a'))!;
    const cte = selects.find((s) => aliasesOf(s, 'logs').includes('r'))!;
    expect(hasPartitionFilter(main.where, 'a')).toBe(true);
    expect(hasPartitionFilter(main.where, 'b')).toBe(false);
    expect(hasPartitionFilter(cte.where, 'r')).toBe(true);
    const or = astify("SELECT 1 FROM logs l WHERE l.dt = 'x' OR l.identity = 'y'");
    expect(hasPartitionFilter(or.where, 'l')).toBe(false);
  });

  test('uncoalescedReferences: the listed columns not first in a COALESCE', () => {
    expect(uncoalescedReferences(sql, ['input.tokens'])).toEqual(['input.tokens']);
    expect(
      uncoalescedReferences('SELECT COALESCE(l.input.tokens, 0) FROM logs l', ['input.tokens']),
    ).toEqual([]);
    expect(
      uncoalescedReferences('SELECT COALESCE(0, l.input.tokens) FROM logs l', ['input.tokens']),
    ).toEqual(['input.tokens']);
  });
});
