import { PolicySuppression, StackModel, TerraformJson } from './model';
import { CheckId, PolicyOptions, PolicyRule, RuleStatus, Severity } from './rule';
import { RULES } from './rules';

/** One rule's verdict on one resource (or the stack), with everything a report needs. */
export interface RuleEvaluation {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly status: RuleStatus;
  /** Terraform address; absent for stack-level results (e.g. a missing team budget). */
  readonly address?: string;
  /** Construct path of the resource (the stack name for stack-level results). */
  readonly path: string;
  readonly reason: string;
  readonly fix: string;
  readonly checks: readonly CheckId[];
  /** Set when a non-compliant result is suppressed. */
  readonly suppression?: { readonly reason: string; readonly path: string };
}

/** Every rule's results over one synthesized stack. */
export interface PolicyReport {
  readonly stackName: string;
  /** All results: compliant, non-compliant and not applicable. */
  readonly results: readonly RuleEvaluation[];
  /** Non-compliant results, suppressed or not. */
  readonly findings: readonly RuleEvaluation[];
  /** Non-compliant, unsuppressed, severity `error`: these fail synth. */
  readonly errors: readonly RuleEvaluation[];
  /** Non-compliant, unsuppressed, severity `warning`. */
  readonly warnings: readonly RuleEvaluation[];
  /** Suppressions recorded in the stack. */
  readonly suppressions: readonly PolicySuppression[];
}

function findSuppression(
  suppressions: readonly PolicySuppression[],
  ruleId: string,
  address: string | undefined,
): PolicySuppression | undefined {
  return suppressions.find(
    (s) =>
      s.ruleId === ruleId &&
      s.reason.trim() !== '' &&
      (s.stackWide || (address !== undefined && s.addresses.includes(address))),
  );
}

/**
 * Runs every rule over a synthesized stack (`cdk.tf.json` parsed, or `stack.toTerraform()`).
 * Suppressions recorded in the stack's `//` block are applied.
 */
export function evaluateStack(
  tfJson: object,
  options: PolicyOptions = {},
  rules: readonly PolicyRule[] = RULES,
): PolicyReport {
  const model = new StackModel(tfJson as TerraformJson);
  const results: RuleEvaluation[] = [];
  for (const rule of rules) {
    const severity = options.severities?.[rule.id] ?? rule.severity;
    for (const r of rule.evaluate({ model, options })) {
      const element = r.address !== undefined ? model.get(r.address) : undefined;
      const suppression =
        r.status === 'non-compliant'
          ? findSuppression(model.suppressions, rule.id, r.address)
          : undefined;
      results.push({
        ruleId: rule.id,
        severity,
        status: r.status,
        address: r.address,
        path: element?.path ?? model.stackName,
        reason: r.reason,
        fix: rule.fix,
        checks: rule.checks,
        ...(suppression
          ? { suppression: { reason: suppression.reason, path: suppression.path } }
          : {}),
      });
    }
  }
  const findings = results.filter((r) => r.status === 'non-compliant');
  return {
    stackName: model.stackName,
    results,
    findings,
    errors: findings.filter((f) => !f.suppression && f.severity === 'error'),
    warnings: findings.filter((f) => !f.suppression && f.severity === 'warning'),
    suppressions: model.suppressions,
  };
}

/** One line per finding: `[rule] address: reason. Fix: ...`. */
export function formatFinding(f: RuleEvaluation): string {
  const where = f.address ? `${f.address} (${f.path})` : `stack ${f.path}`;
  return `[${f.ruleId}] ${where}: ${f.reason}. Fix: ${f.fix}`;
}
