/**
 * IAM policy documents in their three synthesized forms, normalised to one statement shape:
 * JSON strings (`JSON.stringify` / `jsonencode` output), references to an
 * `aws_iam_policy_document` data source (`${data.aws_iam_policy_document.x.json}`), and the data
 * source's own `statement` blocks.
 */
import { StackModel, TfElement, block, blocks, soleReference, strings } from './model';

/** One condition entry: `{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }`. */
export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

/**
 * A principal entry: `{ type: 'AWS', identifiers: ['arn:...'] }`; `Principal: "*"` is
 * `{ type: '*', identifiers: ['*'] }`.
 */
export interface PolicyPrincipal {
  readonly type: string;
  readonly identifiers: readonly string[];
}

/** A policy statement, whatever form it was written in. */
export interface NormalizedStatement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** `Principal` (resource and endpoint policies; undefined when absent). */
  readonly principals?: readonly PolicyPrincipal[];
  readonly notPrincipals?: readonly PolicyPrincipal[];
  /** `Action` (undefined when the statement uses `NotAction`). */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly conditions: readonly PolicyCondition[];
  /** Address of the element the statement was written in. */
  readonly source: string;
}

/** Statements read from a policy value, plus the parts that could not be read at synth. */
export interface PolicyStatements {
  readonly statements: readonly NormalizedStatement[];
  /** Values that are Terraform expressions other than a document reference (not evaluable). */
  readonly unresolved: readonly string[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function optionalStrings(value: unknown): string[] | undefined {
  return value === undefined || value === null ? undefined : strings(value);
}

/** `"*"` or `{ AWS: [...], Service: ... }` as principal entries. */
function jsonPrincipals(value: unknown): PolicyPrincipal[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return [{ type: '*', identifiers: strings(value) }];
  return Object.entries(value).map(([type, ids]) => ({ type, identifiers: strings(ids) }));
}

/** `principals { type, identifiers }` blocks of a policy document. */
function blockPrincipals(value: unknown): PolicyPrincipal[] | undefined {
  if (value === undefined || value === null) return undefined;
  return blocks(value).map((p) => ({
    type: String(p.type ?? ''),
    identifiers: strings(p.identifiers),
  }));
}

function effectOf(value: unknown): 'Allow' | 'Deny' {
  return typeof value === 'string' && value.toLowerCase() === 'deny' ? 'Deny' : 'Allow';
}

/** Statements of a JSON policy object (`{ Version, Statement }`). */
function jsonStatements(policy: Json, source: string): NormalizedStatement[] {
  const raw = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return raw.filter(isObject).map((s) => {
    const conditions: PolicyCondition[] = [];
    if (isObject(s.Condition)) {
      for (const [test, entries] of Object.entries(s.Condition)) {
        if (!isObject(entries)) continue;
        for (const [variable, values] of Object.entries(entries)) {
          conditions.push({ test, variable, values: strings(values) });
        }
      }
    }
    return {
      sid: typeof s.Sid === 'string' ? s.Sid : undefined,
      effect: effectOf(s.Effect),
      principals: jsonPrincipals(s.Principal),
      notPrincipals: jsonPrincipals(s.NotPrincipal),
      actions: optionalStrings(s.Action),
      notActions: optionalStrings(s.NotAction),
      resources: optionalStrings(s.Resource),
      notResources: optionalStrings(s.NotResource),
      conditions,
      source,
    };
  });
}

/** Statements written in an `aws_iam_policy_document` data source's `statement` blocks. */
export function documentOwnStatements(doc: TfElement): NormalizedStatement[] {
  return blocks(doc.config.statement).map((s) => ({
    sid: typeof s.sid === 'string' ? s.sid : undefined,
    effect: effectOf(s.effect),
    principals: blockPrincipals(s.principals),
    notPrincipals: blockPrincipals(s.not_principals),
    actions: optionalStrings(s.actions),
    notActions: optionalStrings(s.not_actions),
    resources: optionalStrings(s.resources),
    notResources: optionalStrings(s.not_resources),
    conditions: blocks(s.condition).map((c) => ({
      test: String(c.test ?? ''),
      variable: String(c.variable ?? ''),
      values: strings(c.values),
    })),
    source: doc.address,
  }));
}

/**
 * Every statement of an `aws_iam_policy_document`: its own blocks plus the documents it merges
 * (`source_policy_documents`, `override_policy_documents`, legacy `source_json`/`override_json`).
 */
export function documentStatements(
  doc: TfElement,
  model: StackModel,
  seen: Set<string> = new Set(),
): PolicyStatements {
  if (seen.has(doc.address)) return { statements: [], unresolved: [] };
  seen.add(doc.address);
  const merged = [
    ...strings(doc.config.source_policy_documents),
    ...strings(doc.config.override_policy_documents),
    ...strings(doc.config.source_json),
    ...strings(doc.config.override_json),
  ].map((v) => policyStatements(v, model, doc.address, seen));
  return {
    statements: [...documentOwnStatements(doc), ...merged.flatMap((m) => m.statements)],
    unresolved: merged.flatMap((m) => m.unresolved),
  };
}

/**
 * Statements of a policy attribute value: a JSON string or object, or a reference to a policy
 * document (`.json`/`.minified_json`) or another element's `policy` attribute, followed.
 */
export function policyStatements(
  value: unknown,
  model: StackModel,
  source: string,
  seen: Set<string> = new Set(),
): PolicyStatements {
  if (value === undefined || value === null || value === '')
    return { statements: [], unresolved: [] };
  if (isObject(value)) return { statements: jsonStatements(value, source), unresolved: [] };
  if (typeof value !== 'string') return { statements: [], unresolved: [String(value)] };
  const ref = soleReference(value);
  if (ref) {
    const target = model.get(ref.address);
    if (target?.type === 'aws_iam_policy_document' && target.mode === 'data') {
      return documentStatements(target, model, seen);
    }
    if (target && ref.attribute === 'policy' && !seen.has(target.address)) {
      seen.add(target.address);
      return policyStatements(target.config.policy, model, target.address, seen);
    }
    return { statements: [], unresolved: [value] };
  }
  try {
    const parsed: unknown = JSON.parse(value);
    if (isObject(parsed)) return { statements: jsonStatements(parsed, source), unresolved: [] };
  } catch {
    // not JSON: a Terraform expression such as jsonencode(...)
  }
  return { statements: [], unresolved: [value] };
}

/**
 * Whether an IAM action pattern (`s3:*`, `bedrock:Call*`, `*`) covers an action. Action names are
 * case-insensitive.
 */
export function actionCovers(pattern: string, action: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'i').test(action);
}

/** Whether a statement's `Action` (not `NotAction`) covers an action. */
export function statementCovers(statement: NormalizedStatement, action: string): boolean {
  return (statement.actions ?? []).some((a) => actionCovers(a, action));
}

/**
 * Statements that apply to an `aws_iam_role`: its `assume_role_policy` is excluded (trust, not
 * permissions); inline policies, `aws_iam_role_policy`, and managed policies of this stack
 * attached by `aws_iam_role_policy_attachment`, `aws_iam_policy_attachment` or
 * `managed_policy_arns` are followed. Also returns the addresses of the policies it read.
 */
export function rolePermissionStatements(
  role: TfElement,
  model: StackModel,
): PolicyStatements & { readonly policyAddresses: readonly string[] } {
  const parts: PolicyStatements[] = [];
  const policyAddresses: string[] = [];
  const roleRef = { attributes: ['name', 'id', 'arn'], literalKey: 'name' };

  for (const inline of blocks(role.config.inline_policy)) {
    parts.push(policyStatements(inline.policy, model, role.address));
  }
  for (const p of model.pointingAt('aws_iam_role_policy', 'role', role, roleRef)) {
    policyAddresses.push(p.address);
    parts.push(policyStatements(p.config.policy, model, p.address));
  }
  const managed = new Set<string>();
  const addManaged = (arn: unknown) => {
    const ref = soleReference(arn);
    const policy = ref && model.get(ref.address);
    if (policy?.type === 'aws_iam_policy' && policy.mode === 'resource')
      managed.add(policy.address);
  };
  for (const a of model.pointingAt('aws_iam_role_policy_attachment', 'role', role, roleRef)) {
    policyAddresses.push(a.address);
    addManaged(a.config.policy_arn);
  }
  for (const a of model.pointingAt('aws_iam_policy_attachment', 'roles', role, roleRef)) {
    policyAddresses.push(a.address);
    addManaged(a.config.policy_arn);
  }
  strings(role.config.managed_policy_arns).forEach(addManaged);
  for (const address of managed) {
    const policy = model.get(address);
    if (!policy) continue;
    policyAddresses.push(address);
    parts.push(policyStatements(policy.config.policy, model, address));
    const doc = soleReference(policy.config.policy);
    if (doc) policyAddresses.push(doc.address);
  }
  return {
    statements: parts.flatMap((p) => p.statements),
    unresolved: parts.flatMap((p) => p.unresolved),
    policyAddresses: [...new Set(policyAddresses)],
  };
}

/** An element's tags (`tags` over `tags_all`). */
export function tagsOf(element: TfElement): Record<string, string> {
  const tags = { ...(block(element.config.tags_all) ?? {}), ...(block(element.config.tags) ?? {}) };
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)]));
}
