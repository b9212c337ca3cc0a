/**
 * The compliance report: seven controls (the questions of the compliance mapping), each answered
 * by checks evaluated on a synthesized stack, with the Terraform addresses that prove them, the
 * config keys that turn them on, and SOC 2, HIPAA, GDPR, SOX and ISO/IEC 42001 references.
 */
import { PolicyReport, evaluateStack } from './evaluate';
import { StackModel, TerraformJson } from './model';
import { CheckId, PolicyOptions, PolicyRule } from './rule';
import { RULES } from './rules';
import {
  CONTROLS,
  CheckDefinition,
  CheckResult,
  ComplianceReport,
  ControlResult,
  ControlStatus,
  STATUS_ORDER,
  worstStatus,
} from './controls';
import { CHECK_DEFINITIONS } from './check-definitions';
import { CHECKERS } from './control-checks';

export * from './controls';
export * from './check-definitions';
export * from './compliance-markdown';
export { NETWORK_KEYS, REQUIRE_VPC_ENDPOINT_KEY } from './network-check';

/** Rules feeding a check (those listing it in `checks`). */
export function rulesForCheck(id: CheckId, rules: readonly PolicyRule[] = RULES): string[] {
  return rules.filter((r) => r.checks.includes(id)).map((r) => r.id);
}

function evaluateCheck(
  def: CheckDefinition,
  model: StackModel,
  policy: PolicyReport,
  options: PolicyOptions,
): CheckResult {
  const found = CHECKERS[def.id](model, options);
  const rules = rulesForCheck(def.id);
  const relevant = policy.findings.filter(
    (f) =>
      rules.includes(f.ruleId) &&
      (def.ruleScope === 'stack' ||
        (f.address !== undefined && found.addresses.includes(f.address))),
  );
  const gaps = [
    ...found.gaps,
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
  const conflicts = found.conflicts ?? [];
  const notConfigured = found.notConfigured ?? [];
  const status: ControlStatus =
    gaps.length > 0
      ? 'MISSING'
      : conflicts.length > 0
        ? 'CONFLICT'
        : notConfigured.length > 0
          ? 'NOT CONFIGURED'
          : suppressions.length > 0
            ? 'SUPPRESSED'
            : 'PASS';
  return {
    ...def,
    status,
    addresses: [...new Set(found.addresses)],
    rules,
    evidence: found.evidence,
    gaps,
    notConfigured,
    conflicts,
    caveats: found.caveats ?? [],
    configKeys: status === 'PASS' ? [] : [...new Set(found.configKeys ?? [])],
    suppressions,
  };
}

/**
 * Evaluates the seven controls on a synthesized stack (`cdk.tf.json` parsed). A check is MISSING
 * when something the stack should have is absent or wrong, or a rule feeding it has an
 * unsuppressed finding (errors and warnings alike); CONFLICT when two obligations collide (Object
 * Lock COMPLIANCE mode vs erasure); NOT CONFIGURED when an optional feature is off (its config
 * keys say how to turn it on); SUPPRESSED when it only holds thanks to suppressions; PASS
 * otherwise. A control takes the worst status of its checks.
 */
export function evaluateCompliance(tfJson: object, options: PolicyOptions = {}): ComplianceReport {
  const model = new StackModel(tfJson as TerraformJson);
  const policy: PolicyReport = evaluateStack(tfJson, options);
  const byId = new Map(
    CHECK_DEFINITIONS.map((def) => [def.id, evaluateCheck(def, model, policy, options)]),
  );
  const controls = CONTROLS.map((def): ControlResult => {
    const checks = def.checks.map((id) => {
      const check = byId.get(id);
      if (!check) throw new Error(`control ${def.id}: unknown check ${id}`);
      return check;
    });
    const status = worstStatus(checks.map((c) => c.status));
    return {
      ...def,
      status,
      addresses: [...new Set(checks.flatMap((c) => c.addresses))],
      configKeys: [...new Set(checks.flatMap((c) => c.configKeys))],
      checks,
    };
  });
  const summary = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<
    ControlStatus,
    number
  >;
  for (const c of controls) summary[c.status] += 1;
  return {
    stackName: policy.stackName,
    summary,
    controls,
    checks: controls.flatMap((c) => c.checks),
    findings: policy.findings,
    suppressions: policy.suppressions,
  };
}
