import {
  NormalizedStatement,
  PolicyCondition,
  policyStatements,
  rolePermissionStatements,
  statementCovers,
} from '../iam';
import { StackModel, TfElement } from '../model';
import {
  DEVELOPER_ROLE_TAG,
  PolicyRule,
  RuleResult,
  TagMarker,
  compliant,
  nonCompliant,
  notApplicable,
} from '../rule';
import { developerRoles } from './iam-developer-bearer-token-deny';
import { PROMPT_ACTIONS, RUNTIME_INVOKE_ACTIONS, bedrockRuntimeEndpoints } from './vpc';

/** The Sid the kit gives the endpoint-only deny (matched by content, not by Sid). */
export const ENDPOINT_DENY_SID = 'DenyInvokeOutsideVpcEndpoint';

/** Whether a condition is `StringNotEquals aws:SourceVpce` (operator and key case-insensitive). */
function isSourceVpceCondition(c: PolicyCondition): boolean {
  return (
    c.test.toLowerCase() === 'stringnotequals' && c.variable.toLowerCase() === 'aws:sourcevpce'
  );
}

/**
 * A Deny on `*` of at least one prompt action (invocation, token counting) with a
 * `StringNotEquals aws:SourceVpce` condition, whatever else it is conditioned on. Whether it is
 * the endpoint-only deny is {@link isEndpointOnlyDeny}'s business.
 */
export function isSourceVpceDeny(s: NormalizedStatement): boolean {
  return (
    s.effect === 'Deny' &&
    PROMPT_ACTIONS.some((a) => statementCovers(s, a)) &&
    (s.resources ?? []).includes('*') &&
    sourceVpceValues(s).length > 0
  );
}

/**
 * The conditions of a statement other than `StringNotEquals aws:SourceVpce`. IAM ANDs a
 * statement's conditions, so each one narrows a deny: a call that does not match it (another
 * region, another tag) is not denied, whatever network it comes from.
 */
export function extraConditions(s: NormalizedStatement): PolicyCondition[] {
  return s.conditions.filter((c) => !isSourceVpceCondition(c));
}

/**
 * The endpoint-only deny: a Deny on `*` of at least one prompt action whose only condition is
 * `StringNotEquals aws:SourceVpce`. Which actions it must cover, and which endpoints it must name,
 * is the judgement's business ({@link judgeEndpointDeny}).
 */
export function isEndpointOnlyDeny(s: NormalizedStatement): boolean {
  return isSourceVpceDeny(s) && extraConditions(s).length === 0;
}

/** The `StringNotEquals aws:SourceVpce` values of a statement. */
export function sourceVpceValues(s: NormalizedStatement): string[] {
  return s.conditions.filter(isSourceVpceCondition).flatMap((c) => c.values);
}

const describeCondition = (c: PolicyCondition) =>
  `${c.test} ${c.variable} ${c.values.join(', ') || '(no value)'}`;

const describeStatement = (d: NormalizedStatement) => `${d.source}${d.sid ? ` ('${d.sid}')` : ''}`;

/** A policy the endpoint-only deny belongs in, with its statements. */
export interface EndpointDenyTarget {
  readonly element: TfElement;
  readonly kind: 'developer role' | 'permission set';
  readonly statements: readonly NormalizedStatement[];
  readonly unresolved: readonly string[];
}

/**
 * Where developers get invoke permissions: developer roles (name ending in -developer, or tagged)
 * and IAM Identity Center permission set inline policies that allow an invoke action.
 */
export function endpointDenyTargets(
  model: StackModel,
  tag: TagMarker = DEVELOPER_ROLE_TAG,
): EndpointDenyTarget[] {
  const roles = developerRoles(model, tag).map((element): EndpointDenyTarget => {
    const { statements, unresolved } = rolePermissionStatements(element, model);
    return { element, kind: 'developer role', statements, unresolved };
  });
  const sets = model
    .ofType('aws_ssoadmin_permission_set_inline_policy')
    .map((element): EndpointDenyTarget => {
      const { statements, unresolved } = policyStatements(
        element.config.inline_policy,
        model,
        element.address,
      );
      return { element, kind: 'permission set', statements, unresolved };
    })
    .filter((t) =>
      t.statements.some(
        (s) => s.effect === 'Allow' && RUNTIME_INVOKE_ACTIONS.some((a) => statementCovers(s, a)),
      ),
    );
  return [...roles, ...sets];
}

/**
 * The prompt actions a target must deny outside the endpoints: the invoke actions always, and
 * token counting when its policy allows it (the request carries the prompt).
 */
export function actionsToFence(target: EndpointDenyTarget): string[] {
  return PROMPT_ACTIONS.filter(
    (a) =>
      (RUNTIME_INVOKE_ACTIONS as readonly string[]).includes(a) ||
      target.statements.some((s) => s.effect === 'Allow' && statementCovers(s, a)),
  );
}

/**
 * Judges one target's endpoint-only deny against the stack's bedrock-runtime endpoints: together,
 * its endpoint-only deny statements cover {@link actionsToFence}, and each names every endpoint.
 */
export function judgeEndpointDeny(
  target: EndpointDenyTarget,
  model: StackModel,
  required: boolean,
): RuleResult {
  const { element } = target;
  const fence = actionsToFence(target);
  const denies = target.statements.filter(isEndpointOnlyDeny);
  const narrowed = target.statements.filter(
    (s) => isSourceVpceDeny(s) && extraConditions(s).length > 0,
  );
  const fenced = fence.filter((a) => denies.some((d) => statementCovers(d, a)));
  if (narrowed.length > 0 && fenced.length < fence.length) {
    return nonCompliant(
      element,
      narrowed
        .map(
          (d) =>
            `${describeStatement(d)} denies invoke outside aws:SourceVpce only when also ${extraConditions(d).map(describeCondition).join(' and ')} (IAM ANDs conditions)`,
        )
        .join('; ') +
        `: calls that do not match the extra condition(s) may still go over Bedrock's public endpoint; the endpoint-only deny must have StringNotEquals aws:SourceVpce as its only condition`,
    );
  }
  if (denies.length === 0) {
    if (!required) {
      return notApplicable(
        element,
        'endpoint-only access is not required (network.requireVpcEndpoint is not true)',
      );
    }
    return nonCompliant(
      element,
      `no Deny of ${fence.join(', ')} on * with StringNotEquals aws:SourceVpce, though network.requireVpcEndpoint is true: calls through Bedrock's public endpoint are allowed` +
        (target.unresolved.length > 0 ? ' (some policies cannot be read at synth)' : ''),
    );
  }
  const where = [...new Set(denies.map(describeStatement))].join(', ');
  const uncovered = fence.filter((a) => !fenced.includes(a));
  if (uncovered.length > 0) {
    return nonCompliant(
      element,
      `${where} does not deny ${uncovered.join(', ')} outside the endpoint, though the policy allows it: prompts can still be sent over Bedrock's public endpoint`,
    );
  }
  const endpoints = bedrockRuntimeEndpoints(model);
  if (endpoints.length === 0) {
    return nonCompliant(
      element,
      `${where} names aws:SourceVpce values but the stack has no bedrock-runtime interface endpoint for them to be`,
    );
  }
  const missing = endpoints.filter((e) =>
    denies.some(
      (d) => !sourceVpceValues(d).some((v) => model.designates(v, e, { attributes: ['id'] })),
    ),
  );
  if (missing.length > 0) {
    return nonCompliant(
      element,
      `${where}: aws:SourceVpce does not name ${missing.map((e) => e.address).join(', ')}, so calls through it are refused`,
    );
  }
  return compliant(
    element,
    `${where} denies invoke unless aws:SourceVpce is ${endpoints.map((e) => e.address).join(', ')} (${fence.join(', ')})`,
  );
}

/** With `network.requireVpcEndpoint`, developers can invoke only through the stack's endpoints. */
export const iamDeveloperEndpointDeny: PolicyRule = {
  id: 'CCB-IAM-3',
  description:
    "With option network.requireVpcEndpoint, developer roles and permission sets that allow invoke deny invoke (and bedrock:CountTokens where they allow it) unless aws:SourceVpce (StringNotEquals, its only condition: IAM ANDs conditions) is one of the stack's bedrock-runtime endpoints; a deny present without the option is checked the same way",
  severity: 'error',
  fix: `Add a statement { Sid: '${ENDPOINT_DENY_SID}', Effect: 'Deny', Action: [${PROMPT_ACTIONS.join(', ')}], Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpce': [<bedrock-runtime endpoint ids>] } } } (DeveloperRole from @claude-code-bedrock/foundation does this with network.requireVpcEndpoint)`,
  checks: ['private-network-path'],
  evaluate({ model, options }) {
    const required = options.network?.requireVpcEndpoint === true;
    return endpointDenyTargets(model, options.developerRoleTag ?? DEVELOPER_ROLE_TAG).map((t) =>
      judgeEndpointDeny(t, model, required),
    );
  },
};
