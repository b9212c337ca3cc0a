import {
  NormalizedStatement,
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
import { RUNTIME_INVOKE_ACTIONS, bedrockRuntimeEndpoints } from './vpc';

/** The Sid the kit gives the endpoint-only deny (matched by content, not by Sid). */
export const ENDPOINT_DENY_SID = 'DenyInvokeOutsideVpcEndpoint';

/** A Deny of the invoke actions on `*` unless `aws:SourceVpce` is one of the listed values. */
export function isEndpointOnlyDeny(s: NormalizedStatement): boolean {
  return (
    s.effect === 'Deny' &&
    RUNTIME_INVOKE_ACTIONS.every((a) => statementCovers(s, a)) &&
    (s.resources ?? []).includes('*') &&
    sourceVpceValues(s).length > 0
  );
}

/** The `StringNotEquals aws:SourceVpce` values of a statement. */
export function sourceVpceValues(s: NormalizedStatement): string[] {
  return s.conditions
    .filter((c) => c.test === 'StringNotEquals' && c.variable.toLowerCase() === 'aws:sourcevpce')
    .flatMap((c) => c.values);
}

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

/** Judges one target's endpoint-only deny against the stack's bedrock-runtime endpoints. */
export function judgeEndpointDeny(
  target: EndpointDenyTarget,
  model: StackModel,
  required: boolean,
): RuleResult {
  const { element } = target;
  const deny = target.statements.find(isEndpointOnlyDeny);
  if (!deny) {
    if (!required) {
      return notApplicable(
        element,
        'endpoint-only access is not required (network.requireVpcEndpoint is not true)',
      );
    }
    return nonCompliant(
      element,
      `no Deny of ${RUNTIME_INVOKE_ACTIONS.join(', ')} on * with StringNotEquals aws:SourceVpce, though network.requireVpcEndpoint is true: calls through Bedrock's public endpoint are allowed` +
        (target.unresolved.length > 0 ? ' (some policies cannot be read at synth)' : ''),
    );
  }
  const where = `${deny.source}${deny.sid ? ` ('${deny.sid}')` : ''}`;
  const endpoints = bedrockRuntimeEndpoints(model);
  if (endpoints.length === 0) {
    return nonCompliant(
      element,
      `${where} names aws:SourceVpce values but the stack has no bedrock-runtime interface endpoint for them to be`,
    );
  }
  const values = sourceVpceValues(deny);
  const missing = endpoints.filter(
    (e) => !values.some((v) => model.designates(v, e, { attributes: ['id'] })),
  );
  if (missing.length > 0) {
    return nonCompliant(
      element,
      `${where}: aws:SourceVpce does not name ${missing.map((e) => e.address).join(', ')}, so calls through it are refused`,
    );
  }
  return compliant(
    element,
    `${where} denies invoke unless aws:SourceVpce is ${endpoints.map((e) => e.address).join(', ')}`,
  );
}

/** With `network.requireVpcEndpoint`, developers can invoke only through the stack's endpoints. */
export const iamDeveloperEndpointDeny: PolicyRule = {
  id: 'CCB-IAM-3',
  description:
    "With option network.requireVpcEndpoint, developer roles and permission sets that allow invoke deny it unless aws:SourceVpce (StringNotEquals) is one of the stack's bedrock-runtime endpoints; a deny present without the option is checked the same way",
  severity: 'error',
  fix: `Add a statement { Sid: '${ENDPOINT_DENY_SID}', Effect: 'Deny', Action: [${RUNTIME_INVOKE_ACTIONS.join(', ')}], Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpce': [<bedrock-runtime endpoint ids>] } } } (DeveloperRole from @claude-code-bedrock/foundation does this with network.requireVpcEndpoint)`,
  checks: ['private-network-path'],
  evaluate({ model, options }) {
    const required = options.network?.requireVpcEndpoint === true;
    return endpointDenyTargets(model, options.developerRoleTag ?? DEVELOPER_ROLE_TAG).map((t) =>
      judgeEndpointDeny(t, model, required),
    );
  },
};
