/*
 * The SQL column checker of @claude-code-bedrock/testing bound to this package's Glue tables: the
 * invocation-log table's real columns (with struct fields) and the profile table, each with
 * Athena's hidden per-row columns.
 */
import { SqlTables, unknownColumns as unknownColumnsIn } from '@claude-code-bedrock/testing';
import { INVOCATION_LOG_COLUMNS, PROFILE_COLUMNS, structFields } from '../src';

export {
  aliasesOf,
  allSelects,
  astify,
  hasPartitionFilter,
  uncoalescedReferences,
} from '@claude-code-bedrock/testing';

/** Athena's hidden per-row columns. */
const PSEUDO_COLUMNS = ['$path', '$file_size', '$file_modified_time'];

/** Base tables: column names, plus `struct.field` for struct columns. */
export function baseTables(): SqlTables {
  const logs = new Set<string>(['dt', ...PSEUDO_COLUMNS]);
  for (const c of INVOCATION_LOG_COLUMNS) {
    logs.add(c.name);
    for (const f of structFields(c.type)) logs.add(`${c.name}.${f}`);
  }
  return new Map([
    ['invocation_logs', logs],
    ['developer_profiles', new Set<string>([...PROFILE_COLUMNS, ...PSEUDO_COLUMNS])],
  ]);
}

/** Every column reference of `sql` that no relation in scope (the Glue tables, CTEs...) provides. */
export const unknownColumns = (sql: string) => unknownColumnsIn(sql, baseTables());
