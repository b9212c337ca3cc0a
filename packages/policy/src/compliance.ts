/**
 * Audit controls this kit provides, evaluated on a synthesized stack: each control's status
 * (PASS / MISSING / SUPPRESSED) is computed from the actual configuration and the rule results,
 * with the Terraform addresses that implement it, and mapped to SOC 2, HIPAA, GDPR, SOX and
 * ISO/IEC 42001 references.
 */
import { PolicyReport, evaluateStack } from './evaluate';
import { StackModel, TerraformJson } from './model';
import { ControlId, PolicyOptions, PolicyRule } from './rule';
import { RULES } from './rules';
import { CONTROLS, ComplianceReport, ControlResult, ControlStatus } from './controls';
import { CHECKS } from './control-checks';

export * from './controls';
export * from './compliance-markdown';

/** Rules feeding a control (those listing it in `controls`). */
export function rulesForControl(id: ControlId, rules: readonly PolicyRule[] = RULES): string[] {
  return rules.filter((r) => r.controls.includes(id)).map((r) => r.id);
}

/**
 * Evaluates the controls on a synthesized stack (`cdk.tf.json` parsed). A control is MISSING when
 * its configuration is absent or a rule feeding it has an unsuppressed finding (errors and
 * warnings alike), SUPPRESSED when it only holds thanks to suppressions, PASS otherwise.
 */
export function evaluateCompliance(tfJson: object, options: PolicyOptions = {}): ComplianceReport {
  const model = new StackModel(tfJson as TerraformJson);
  const policy: PolicyReport = evaluateStack(tfJson, options);
  const controls = CONTROLS.map((def): ControlResult => {
    const check = CHECKS[def.id](model, options);
    const rules = rulesForControl(def.id);
    const relevant = policy.findings.filter(
      (f) =>
        rules.includes(f.ruleId) &&
        (def.ruleScope === 'stack' ||
          (f.address !== undefined && check.addresses.includes(f.address))),
    );
    const gaps = [
      ...check.gaps,
      ...relevant
        .filter((f) => !f.suppression)
        .map((f) => `[${f.ruleId}] ${f.address ?? 'stack'}: ${f.reason}`),
    ];
    const suppressions = relevant
      .filter((f) => f.suppression)
      .map((f) => ({
        ruleId: f.ruleId,
        address: f.address,
        path: f.path,
        reason: f.suppression?.reason ?? '',
      }));
    const status: ControlStatus =
      gaps.length > 0 ? 'MISSING' : suppressions.length > 0 ? 'SUPPRESSED' : 'PASS';
    return {
      ...def,
      status,
      addresses: [...new Set(check.addresses)],
      rules,
      evidence: check.evidence,
      gaps,
      suppressions,
    };
  });
  const summary = { PASS: 0, MISSING: 0, SUPPRESSED: 0 };
  for (const c of controls) summary[c.status] += 1;
  return {
    stackName: policy.stackName,
    summary,
    controls,
    findings: policy.findings,
    suppressions: policy.suppressions,
  };
}
