import { StackModel, TfElement } from './model';

/** `error` fails synth; `warning` is reported but does not. */
export type Severity = 'error' | 'warning';

/** Outcome of a rule for one resource. */
export type RuleStatus = 'compliant' | 'non-compliant' | 'not-applicable';

/**
 * The checks of the compliance report (see `CHECK_DEFINITIONS`): each feeds one of its seven
 * controls (see `CONTROLS`), and rules feed checks.
 */
export type CheckId =
  | 'access-logging'
  | 'content-audit-trail'
  | 'immutable-retention'
  | 'least-privilege'
  | 'encryption'
  | 'retention-windows'
  | 'budget-monitoring'
  | 'bypass-mode-disabled'
  | 'session-cleanup'
  | 'invocation-purge'
  | 'private-network-path';

/** A rule's verdict on one resource, or on the stack as a whole (no `address`). */
export interface RuleResult {
  /** Terraform address of the resource judged; absent for stack-level results. */
  readonly address?: string;
  readonly status: RuleStatus;
  /** Why: what is missing for `non-compliant`, what was found otherwise. */
  readonly reason: string;
}

/** A tag that marks a resource, e.g. `{ key: 'ClaudeCodeRole', value: 'developer' }`. */
export interface TagMarker {
  readonly key: string;
  readonly value: string;
}

/** Options shared by the aspect, `evaluateStack` and the compliance report. */
export interface PolicyOptions {
  /**
   * Team ids that must each have an `aws_budgets_budget` filtered on `user:Team$<team>`. The
   * `Team` tags of the stack's application inference profiles are always required too.
   * @default - only the teams found in the inference profiles' `Team` tags
   */
  readonly teams?: readonly string[];
  /**
   * Tag that marks a developer role (which must deny `bedrock:CallWithBearerToken`), in addition
   * to roles whose name ends with `-developer`.
   * @default - `ClaudeCodeRole` = `developer`
   */
  readonly developerRoleTag?: TagMarker;
  /**
   * Severity per rule id, e.g. `{ 'CCB-S3-5': 'error' }`.
   * @default - each rule's own severity
   */
  readonly severities?: Readonly<Record<string, Severity>>;
  /**
   * The environment's `network` section (pass the config's as it is). The synthesized stack
   * cannot say what was asked of it, so this is how the rules and the report know: with it, a
   * stack without a bedrock-runtime interface endpoint is MISSING (not NOT CONFIGURED) in the
   * compliance report, and with `requireVpcEndpoint: true` developer roles and permission sets
   * must deny invoke outside the stack's endpoints (`CCB-IAM-3`).
   * @default - no network section: no endpoint is required, and the endpoint-only deny is only
   * checked where a policy has one
   */
  readonly network?: NetworkOptions;
}

/** What the rules read of the config's `network` section. */
export interface NetworkOptions {
  /**
   * Developer policies deny `bedrock:InvokeModel*` unless `aws:SourceVpce` is one of the stack's
   * bedrock-runtime endpoints.
   * @default false
   */
  readonly requireVpcEndpoint?: boolean;
}

/** Default marker tag of developer roles. */
export const DEVELOPER_ROLE_TAG: TagMarker = { key: 'ClaudeCodeRole', value: 'developer' };

/** What a rule sees: the synthesized stack and the options. */
export interface RuleContext {
  readonly model: StackModel;
  readonly options: PolicyOptions;
}

/**
 * A policy rule: a pure function from the synthesized stack to one result per resource it
 * inspects (resources of other types are implicitly not applicable).
 */
export interface PolicyRule {
  /** Stable id used in messages and suppressions, e.g. `CCB-S3-1`. */
  readonly id: string;
  /** One line: what must hold. */
  readonly description: string;
  readonly severity: Severity;
  /** How to fix a non-compliant resource. */
  readonly fix: string;
  /** The compliance checks this rule provides evidence for. */
  readonly checks: readonly CheckId[];
  evaluate(context: RuleContext): RuleResult[];
}

export function compliant(element: TfElement, reason: string): RuleResult {
  return { address: element.address, status: 'compliant', reason };
}

export function nonCompliant(element: TfElement, reason: string): RuleResult {
  return { address: element.address, status: 'non-compliant', reason };
}

export function notApplicable(element: TfElement, reason: string): RuleResult {
  return { address: element.address, status: 'not-applicable', reason };
}
