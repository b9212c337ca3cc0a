/*
 * A column checker for SQL queries (Athena's Trino dialect), over node-sql-parser's AST: finds every
 * column reference of a query and checks it against the relations it can see (the tables the
 * caller describes, with `struct.field` entries for struct fields; CTE outputs; VALUES aliases;
 * subqueries), so a typo or a column the table lacks fails a test. Also finders for the SELECTs of
 * a query, the aliases a table is read under, partition filters and uncoalesced columns.
 */
import { Parser } from 'node-sql-parser';

/** The dialect every query is parsed in. */
export const SQL_DIALECT = { database: 'trino' } as const;
const parser = new Parser();

/** A node of node-sql-parser's AST. */
export type SqlNode = Record<string, unknown>;
type Node = SqlNode;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

const cache = new Map<string, Node>();

/** Parses one statement (memoised: the parser takes ~0.2 s per query). Callers must not mutate it. */
export function astify(sql: string): Node {
  let ast = cache.get(sql);
  if (!ast) {
    const parsed = parser.astify(sql, SQL_DIALECT);
    ast = (Array.isArray(parsed) ? parsed[0] : parsed) as unknown as Node;
    cache.set(sql, ast);
  }
  return ast;
}

function columnName(ref: Node): string {
  const column = ref.column as unknown;
  if (typeof column === 'string') return column;
  const expr = isNode(column) ? (column.expr as Node | undefined) : undefined;
  return String(expr?.value ?? (column as Node)?.value);
}

/** A column reference that no relation in scope provides (`ref` as written, e.g. `l.tokens`). */
export interface ColumnProblem {
  readonly ref: string;
  readonly reason: string;
}

interface Scope {
  /** alias (or table name) → visible columns */
  readonly relations: Map<string, ReadonlySet<string>>;
  /** output aliases of the current SELECT (usable in GROUP BY / ORDER BY / HAVING) */
  readonly outputs: Set<string>;
}

/** Output column names of a SELECT. */
function outputColumns(
  select: Node,
  tables: Map<string, ReadonlySet<string>>,
  problems: ColumnProblem[],
): Set<string> {
  const scope = selectScope(select, tables, problems);
  const out = new Set<string>();
  for (const col of (select.columns as Node[]) ?? []) {
    const expr = col.expr as Node;
    if (typeof col.as === 'string' && col.as.length > 0) out.add(col.as);
    else if (expr.type === 'column_ref') {
      const name = columnName(expr);
      if (name === '*')
        for (const cols of scope.relations.values()) cols.forEach((c) => out.add(c));
      else out.add(name);
    }
  }
  return out;
}

/** Relations visible in a SELECT's FROM clause. */
function selectScope(
  select: Node,
  tables: Map<string, ReadonlySet<string>>,
  problems: ColumnProblem[],
): Scope {
  const relations = new Map<string, ReadonlySet<string>>();
  for (const item of (select.from as Node[]) ?? []) {
    const as = typeof item.as === 'string' ? item.as : undefined;
    const expr = item.expr as Node | undefined;
    if (expr?.type === 'values') {
      // `(VALUES ...) AS v (a, b)` arrives as as = "v(a, b)".
      const m = /^(\w+)\s*\(([^)]*)\)$/.exec(as ?? '');
      if (!m) {
        problems.push({ ref: String(as), reason: 'VALUES without a column list' });
        continue;
      }
      relations.set(m[1], new Set(m[2].split(',').map((s) => s.trim())));
    } else if (expr && isNode(expr.ast)) {
      relations.set(as ?? '(subquery)', outputColumns(expr.ast as Node, tables, problems));
    } else if (typeof item.table === 'string') {
      const cols = tables.get(item.table);
      if (!cols) {
        problems.push({ ref: item.table, reason: 'unknown table' });
        continue;
      }
      relations.set(as ?? item.table, cols);
    }
  }
  const outputs = new Set<string>();
  for (const col of (select.columns as Node[]) ?? [])
    if (typeof col.as === 'string') outputs.add(col.as);
  return { relations, outputs };
}

function checkRef(ref: Node, scope: Scope, problems: ColumnProblem[]): void {
  const name = columnName(ref);
  const table = typeof ref.table === 'string' ? ref.table : undefined;
  const schema = typeof ref.schema === 'string' ? ref.schema : undefined;
  const all = [...scope.relations.values()];
  let ok: boolean;
  let text: string;
  if (schema) {
    // alias.struct.field
    text = `${schema}.${table}.${name}`;
    ok = scope.relations.get(schema)?.has(`${table}.${name}`) ?? false;
  } else if (table) {
    text = `${table}.${name}`;
    const relation = scope.relations.get(table);
    ok = relation
      ? name === '*' || relation.has(name)
      : all.some((cols) => cols.has(`${table}.${name}`));
  } else {
    text = name;
    ok = name === '*' || scope.outputs.has(name) || all.some((cols) => cols.has(name));
  }
  if (!ok) problems.push({ ref: text, reason: 'not a column of any relation in scope' });
}

/** Visits expressions, not descending into nested SELECTs (they get their own scope). */
function walkExpressions(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) {
    node.forEach((n) => walkExpressions(n, visit));
    return;
  }
  if (!isNode(node)) return;
  if (node.type === 'select') return;
  visit(node);
  for (const value of Object.values(node)) walkExpressions(value, visit);
}

function checkSelect(
  select: Node,
  tables: Map<string, ReadonlySet<string>>,
  problems: ColumnProblem[],
): void {
  const scope = selectScope(select, tables, problems);
  const parts = [select.columns, select.where, select.groupby, select.having, select.orderby];
  for (const item of (select.from as Node[]) ?? []) {
    parts.push(item.on);
    const expr = item.expr as Node | undefined;
    if (expr && isNode(expr.ast)) checkSelect(expr.ast as Node, tables, problems);
  }
  for (const part of parts) {
    walkExpressions(part, (n) => {
      if (n.type === 'column_ref') checkRef(n, scope, problems);
    });
  }
}

/**
 * The tables a query reads: table name -> its column names, plus `column.field` for each field of
 * a struct column (what `alias.column.field` may reference).
 */
export type SqlTables = ReadonlyMap<string, ReadonlySet<string>>;

/** Every column reference of `sql` that no relation in scope (`tables`, CTEs, ...) provides. */
export function unknownColumns(sql: string, tables: SqlTables): ColumnProblem[] {
  const ast = astify(sql);
  const visible = new Map(tables);
  const problems: ColumnProblem[] = [];
  for (const cte of (ast.with as Node[]) ?? []) {
    const stmt = (cte.stmt as Node).ast as Node;
    checkSelect(stmt, visible, problems);
    const name = String((cte.name as Node).value);
    visible.set(name, outputColumns(stmt, visible, problems));
  }
  checkSelect(ast, visible, problems);
  return problems;
}

/** Every SELECT (CTEs and subqueries included) of a query. */
export function allSelects(sql: string): Node[] {
  const found: Node[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isNode(node)) return;
    if (node.type === 'select') found.push(node);
    Object.values(node).forEach(visit);
  };
  visit(astify(sql));
  return found;
}

/** Aliases under which a SELECT reads `table`. */
export function aliasesOf(select: Node, table: string): string[] {
  return ((select.from as Node[]) ?? [])
    .filter((f) => f.table === table)
    .map((f) => (typeof f.as === 'string' ? f.as : table));
}

/** True when `where` compares `alias.dt` (the partition) with something, at the top level of an AND chain. */
export function hasPartitionFilter(where: unknown, alias: string, column = 'dt'): boolean {
  if (!isNode(where) || where.type !== 'binary_expr') return false;
  const op = String(where.operator).toUpperCase();
  if (op === 'AND')
    return (
      hasPartitionFilter(where.left, alias, column) ||
      hasPartitionFilter(where.right, alias, column)
    );
  if (!['>=', '>', '<=', '<', '=', 'BETWEEN', 'IN'].includes(op)) return false;
  const left = where.left as Node;
  return left.type === 'column_ref' && left.table === alias && columnName(left) === column;
}

/**
 * Column references of `columns` (e.g. `input.inputtokencount`) that are not the first argument
 * of a COALESCE call.
 */
export function uncoalescedReferences(sql: string, columns: readonly string[]): string[] {
  const bad: string[] = [];
  const visit = (node: unknown, parent: Node | undefined, index: number): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, parent, i));
    if (!isNode(node)) return;
    if (node.type === 'column_ref' && typeof node.table === 'string') {
      const ref = `${node.table}.${columnName(node)}`;
      const coalesced =
        parent?.type === 'function' &&
        JSON.stringify(parent.name).toUpperCase().includes('"COALESCE"') &&
        index === 0;
      if (columns.includes(ref) && !coalesced) bad.push(ref);
      return;
    }
    if (node.type === 'function') {
      const args = ((node.args as Node | undefined)?.value as unknown[]) ?? [];
      args.forEach((a, i) => visit(a, node, i));
      return;
    }
    for (const value of Object.values(node)) visit(value, undefined, -1);
  };
  visit(astify(sql), undefined, -1);
  return bad;
}
