import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';

/** IAM managed policies may hold at most this many characters (whitespace not counted). */
export const MANAGED_POLICY_MAX_CHARS = 6144;
/** Inline policies of one role may hold at most this many characters in total. */
export const INLINE_POLICY_MAX_CHARS = 10240;
/** Service control policies may hold at most this many characters. */
export const SCP_MAX_CHARS = 5120;

/** One condition of a statement: `{ test: { variable: values } }` in policy JSON. */
export interface PolicyCondition {
  /** Condition operator, e.g. `StringEquals`, `ArnLike`, `ForAnyValue:StringEquals`. */
  readonly test: string;
  /** Condition key, e.g. `aws:ResourceTag/User`. */
  readonly variable: string;
  readonly values: readonly string[];
}

export interface PolicyPrincipal {
  readonly type: 'AWS' | 'Federated' | 'Service';
  readonly identifiers: readonly string[];
}

/**
 * A typed IAM policy statement. Policy variables are written the IAM way (`${aws:username}`);
 * {@link toDocumentStatements} escapes them for Terraform's `aws_iam_policy_document`.
 */
export interface PolicyStatement {
  /** Statement id: letters and digits only. */
  readonly sid: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly principals?: readonly PolicyPrincipal[];
  readonly conditions?: readonly PolicyCondition[];
}

/**
 * `${aws:...}` is an IAM policy variable but also Terraform interpolation syntax. The
 * `aws_iam_policy_document` data source accepts `&{aws:...}` and renders it as `${aws:...}`.
 * cdktf tokens (`${TfToken[...]}`) never start with `aws:`, so they are left alone.
 */
export function escapePolicyVariables(value: string): string {
  return value.replace(/\$\{(aws:[^}]+)\}/g, '&{$1}');
}

const escapeAll = (values: readonly string[]): string[] => values.map(escapePolicyVariables);

/** Converts typed statements into `DataAwsIamPolicyDocument` statement blocks. */
export function toDocumentStatements(
  statements: readonly PolicyStatement[],
): DataAwsIamPolicyDocumentStatement[] {
  return statements.map((s) => ({
    sid: s.sid,
    effect: s.effect,
    ...(s.actions ? { actions: [...s.actions] } : {}),
    ...(s.notActions ? { notActions: [...s.notActions] } : {}),
    ...(s.resources ? { resources: escapeAll(s.resources) } : {}),
    ...(s.notResources ? { notResources: escapeAll(s.notResources) } : {}),
    ...(s.principals
      ? { principals: s.principals.map((p) => ({ type: p.type, identifiers: [...p.identifiers] })) }
      : {}),
    ...(s.conditions
      ? {
          condition: s.conditions.map((c) => ({
            test: c.test,
            variable: escapePolicyVariables(c.variable),
            values: escapeAll(c.values),
          })),
        }
      : {}),
  }));
}

type JsonValue = string | string[];
interface StatementJson {
  Sid: string;
  Effect: string;
  Principal?: Record<string, JsonValue>;
  Action?: JsonValue;
  NotAction?: JsonValue;
  Resource?: JsonValue;
  NotResource?: JsonValue;
  Condition?: Record<string, Record<string, JsonValue>>;
}
/** An IAM policy document as IAM stores it. */
export interface PolicyDocumentJson {
  Version: '2012-10-17';
  Statement: StatementJson[];
}

const one = (values: readonly string[]): JsonValue =>
  values.length === 1 ? values[0] : [...values];

/** The policy document IAM stores for these statements (what `aws_iam_policy_document` renders). */
export function toPolicyDocument(statements: readonly PolicyStatement[]): PolicyDocumentJson {
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const out: StatementJson = { Sid: s.sid, Effect: s.effect };
      if (s.principals) {
        out.Principal = {};
        for (const p of s.principals) out.Principal[p.type] = one(p.identifiers);
      }
      if (s.actions) out.Action = one(s.actions);
      if (s.notActions) out.NotAction = one(s.notActions);
      if (s.resources) out.Resource = one(s.resources);
      if (s.notResources) out.NotResource = one(s.notResources);
      if (s.conditions) {
        out.Condition = {};
        for (const c of s.conditions) {
          out.Condition[c.test] = { ...(out.Condition[c.test] ?? {}), [c.variable]: one(c.values) };
        }
      }
      return out;
    }),
  };
}

/** The policy JSON without whitespace: IAM and Organizations size quotas count these characters. */
export function renderPolicyJson(statements: readonly PolicyStatement[]): string {
  return JSON.stringify(toPolicyDocument(statements));
}

/** Removes duplicates, keeping the first occurrence (so the order stays deterministic). */
export function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}
