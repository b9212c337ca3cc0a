import { ConfigError, ConfigProblem, renderValue } from '@claude-code-bedrock/core';
import { Aspects, IAspect, TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { PolicySuppression, SUPPRESSIONS_KEY } from './model';
import { RULE_IDS } from './rules';

/** Construct metadata type under which `suppress` records a suppression. */
export const SUPPRESSION_METADATA = 'claude-code-bedrock:policy-suppression';

interface SuppressionMetadata {
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * Suppresses a rule for a construct and everything under it (on the stack itself: also for
 * stack-level findings such as a missing team budget). A suppressed finding no longer fails
 * synth; it is reported as suppressed, with the reason, in annotations and the compliance report.
 *
 * @param construct a resource, a higher-level construct or the stack
 * @param ruleId a rule id, e.g. `CCB-S3-5`
 * @param reason why the finding is acceptable (required, non-blank)
 * @throws ConfigError for an unknown rule id or a blank reason
 */
export function suppress(construct: IConstruct, ruleId: string, reason: string): void {
  const problems: ConfigProblem[] = [];
  if (typeof ruleId !== 'string' || !RULE_IDS.includes(ruleId)) {
    problems.push({
      path: 'ruleId',
      value: renderValue(ruleId),
      message: `is not a rule id (one of ${RULE_IDS.join(', ')})`,
    });
  }
  if (typeof reason !== 'string' || reason.trim() === '') {
    problems.push({
      path: 'reason',
      value: renderValue(reason),
      message:
        'is required: say why the finding is acceptable (it appears in the compliance report)',
    });
  }
  if (problems.length > 0) {
    throw new ConfigError(problems, `suppress('${construct.node.path}')`);
  }
  const data: SuppressionMetadata = { ruleId, reason: reason.trim() };
  construct.node.addMetadata(SUPPRESSION_METADATA, data);
  const stack = TerraformStack.of(construct);
  if (!Aspects.of(stack).all.some((a) => a instanceof SuppressionRecorder)) {
    Aspects.of(stack).add(new SuppressionRecorder());
  }
}

/** Suppressions declared directly on a construct (not inherited). */
export function suppressionsOn(construct: IConstruct): SuppressionMetadata[] {
  return construct.node.metadata
    .filter((m) => m.type === SUPPRESSION_METADATA)
    .map((m) => m.data as SuppressionMetadata);
}

/** Terraform address of a resource or data source construct. */
export function addressOf(construct: IConstruct): string | undefined {
  if (TerraformResource.isTerraformResource(construct)) {
    return `${construct.terraformResourceType}.${construct.friendlyUniqueId}`;
  }
  if (TerraformDataSource.isTerraformDataSource(construct)) {
    return `data.${construct.terraformResourceType}.${construct.friendlyUniqueId}`;
  }
  return undefined;
}

/**
 * Resolves the stack's suppressions to Terraform addresses and records them in the synthesized
 * JSON (`"//".policy_suppressions`, ignored by Terraform), so `evaluateStack` and the compliance
 * report see them. Idempotent; runs at synth (after every construct exists).
 */
export function recordSuppressions(stack: TerraformStack): PolicySuppression[] {
  const entries: PolicySuppression[] = [];
  for (const construct of stack.node.findAll()) {
    const own = suppressionsOn(construct);
    if (own.length === 0) continue;
    const addresses = construct.node
      .findAll()
      .map(addressOf)
      .filter((a): a is string => a !== undefined);
    for (const s of own) {
      entries.push({
        ruleId: s.ruleId,
        reason: s.reason,
        path: construct.node.path,
        addresses,
        stackWide: construct === stack,
      });
    }
  }
  if (entries.length > 0) stack.addOverride(`//.${SUPPRESSIONS_KEY}`, entries);
  return entries;
}

/** Added to a stack by `suppress`: records its suppressions in the synthesized JSON. */
export class SuppressionRecorder implements IAspect {
  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) recordSuppressions(node);
  }
}
