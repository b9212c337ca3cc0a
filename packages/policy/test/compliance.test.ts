import {
  CHECK_DEFINITIONS,
  CONTROLS,
  CheckId,
  ControlStatus,
  RULES,
  SUPPRESSIONS_KEY,
  evaluateCompliance,
  renderComplianceMarkdown,
} from '../src';
import { fixture } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The prod fixture (Object Lock on), deep-copied for mutation. */
function prod(): Json {
  return structuredClone(fixture('prod'));
}

/** The single resource of a type (whose name contains `part`): [name, config]. */
function only(tf: Json, type: string, part = ''): [string, Json] {
  const entries = Object.entries(tf.resource[type] as Json).filter(([n]) => n.includes(part));
  if (entries.length !== 1) throw new Error(`${entries.length} ${type} named *${part}*`);
  return entries[0] as [string, Json];
}

function check(tf: Json, id: CheckId) {
  const found = evaluateCompliance(tf).checks.find((c) => c.id === id);
  if (!found) throw new Error(id);
  return found;
}

function status(tf: Json, id: CheckId): ControlStatus {
  return check(tf, id).status;
}

describe('evaluateCompliance on synthesized environments', () => {
  test('prod (Object Lock, CloudTrail, anomaly detection, no network): every check but the network passes', () => {
    const report = evaluateCompliance(fixture('prod'));
    expect(report.checks.map((c) => [c.id, c.status, c.gaps])).toEqual(
      CONTROLS.flatMap((c) => c.checks).map((id) => [
        id,
        id === 'private-network-path' ? 'NOT CONFIGURED' : 'PASS',
        [],
      ]),
    );
    expect(report.summary).toEqual({
      PASS: 6,
      MISSING: 0,
      CONFLICT: 0,
      'NOT CONFIGURED': 1,
      SUPPRESSED: 0,
    });
  });

  test('dev (no Object Lock in its config): immutable retention is NOT CONFIGURED, with the reason and key', () => {
    const control = check(fixture('dev'), 'immutable-retention');
    expect(control.status).toBe('NOT CONFIGURED');
    expect(control.notConfigured.join('\n')).toContain('object_lock_enabled is not true');
    expect(control.configKeys).toEqual(['logging.objectLock']);
  });

  test('an Object Lock retention on a bucket without object_lock_enabled -> MISSING', () => {
    const tf = prod();
    const [, bucket] = only(tf, 'aws_s3_bucket', 'InvocationLogBucket');
    bucket.object_lock_enabled = false;
    const control = check(tf, 'immutable-retention');
    expect(control.status).toBe('MISSING');
    expect(control.gaps.join('\n')).toContain('object_lock_enabled is not true');
  });

  test('each control lists the addresses implementing it', () => {
    const tf = prod();
    const [trail] = only(tf, 'aws_cloudtrail');
    const [lock] = only(tf, 'aws_s3_bucket_object_lock_configuration', 'InvocationLogBucket');
    const checks = evaluateCompliance(tf).checks;
    const byId = (id: CheckId) => checks.find((c) => c.id === id)?.addresses ?? [];
    expect(byId('access-logging')).toContain(`aws_cloudtrail.${trail}`);
    expect(byId('immutable-retention')).toContain(
      `aws_s3_bucket_object_lock_configuration.${lock}`,
    );
    expect(byId('bypass-mode-disabled')).toEqual(['output.managed_settings']);
  });
});

describe('turning a control off flips its status', () => {
  test('CloudTrail logging disabled -> access logging MISSING', () => {
    const tf = prod();
    only(tf, 'aws_cloudtrail')[1].enable_logging = false;
    expect(status(tf, 'access-logging')).toBe('MISSING');
  });

  test('no CloudTrail trail -> access logging NOT CONFIGURED, with the key that turns it on', () => {
    const tf = prod();
    delete tf.resource.aws_cloudtrail;
    expect(status(tf, 'access-logging')).toBe('NOT CONFIGURED');
    expect(check(tf, 'access-logging').configKeys).toEqual(['logging.cloudtrail.enabled']);
  });

  test('log file validation off -> access logging MISSING', () => {
    const tf = prod();
    only(tf, 'aws_cloudtrail')[1].enable_log_file_validation = false;
    expect(status(tf, 'access-logging')).toBe('MISSING');
  });

  test('text delivery off -> content audit trail MISSING', () => {
    const tf = prod();
    only(
      tf,
      'aws_bedrock_model_invocation_logging_configuration',
    )[1].logging_config.text_data_delivery_enabled = false;
    const control = check(tf, 'content-audit-trail');
    expect(control.status).toBe('MISSING');
    expect(control.gaps.some((g) => g.startsWith('[CCB-BR-1]'))).toBe(true);
  });

  test('no Object Lock configuration -> immutable retention MISSING', () => {
    const tf = prod();
    delete tf.resource.aws_s3_bucket_object_lock_configuration;
    expect(status(tf, 'immutable-retention')).toBe('MISSING');
  });

  test('no ABAC condition in the developer policy -> least privilege MISSING', () => {
    const tf = prod();
    for (const doc of Object.values(tf.data.aws_iam_policy_document as Json)) {
      for (const s of (doc as Json).statement ?? []) {
        s.condition = (s.condition ?? []).filter(
          (c: Json) => c.variable !== 'aws:ResourceTag/User',
        );
      }
    }
    expect(status(tf, 'least-privilege')).toBe('MISSING');
  });

  test('a bucket without encryption -> encryption MISSING', () => {
    const tf = prod();
    const sse = tf.resource.aws_s3_bucket_server_side_encryption_configuration as Json;
    delete sse[Object.keys(sse)[0]];
    expect(status(tf, 'encryption')).toBe('MISSING');
  });

  test('a log group kept forever -> retention windows MISSING', () => {
    const tf = prod();
    for (const g of Object.values(tf.resource.aws_cloudwatch_log_group as Json)) {
      delete (g as Json).retention_in_days;
    }
    expect(status(tf, 'retention-windows')).toBe('MISSING');
  });

  test('no anomaly monitor -> budget monitoring NOT CONFIGURED, with the key', () => {
    const tf = prod();
    delete tf.resource.aws_ce_anomaly_monitor;
    delete tf.resource.aws_ce_anomaly_subscription;
    expect(status(tf, 'budget-monitoring')).toBe('NOT CONFIGURED');
    expect(check(tf, 'budget-monitoring').configKeys).toEqual(['budgets.anomaly.enabled']);
  });

  test('an anomaly monitor without a subscription -> budget monitoring MISSING', () => {
    const tf = prod();
    delete tf.resource.aws_ce_anomaly_subscription;
    expect(status(tf, 'budget-monitoring')).toBe('MISSING');
  });

  test('no budget notifications -> budget monitoring MISSING', () => {
    const tf = prod();
    for (const b of Object.values(tf.resource.aws_budgets_budget as Json))
      delete (b as Json).notification;
    expect(status(tf, 'budget-monitoring')).toBe('MISSING');
  });

  test('bypass mode allowed -> bypass-mode-disabled MISSING', () => {
    const tf = prod();
    delete tf.output.managed_settings.value.permissions.disableBypassPermissionsMode;
    expect(status(tf, 'bypass-mode-disabled')).toBe('MISSING');
  });

  test('no cleanupPeriodDays -> session cleanup MISSING', () => {
    const tf = prod();
    delete tf.output.managed_settings.value.cleanupPeriodDays;
    expect(status(tf, 'session-cleanup')).toBe('MISSING');
  });

  test('managed settings given as a JSON string are read too', () => {
    const tf = prod();
    tf.output.managed_settings.value = JSON.stringify(tf.output.managed_settings.value);
    expect(status(tf, 'session-cleanup')).toBe('PASS');
  });

  test('a suppressed finding -> SUPPRESSED, listing the suppression', () => {
    const tf = prod();
    const [name, group] = only(tf, 'aws_cloudwatch_log_group', 'logging_LogGroup');
    delete group.retention_in_days;
    tf['//'][SUPPRESSIONS_KEY] = [
      {
        ruleId: 'CCB-LOG-1',
        reason: 'retention enforced by the central log archive',
        path: 'prod/logging/LogGroup',
        addresses: [`aws_cloudwatch_log_group.${name}`],
        stackWide: false,
      },
    ];
    const control = check(tf, 'retention-windows');
    expect(control.status).toBe('SUPPRESSED');
    expect(control.suppressions).toEqual([
      expect.objectContaining({
        ruleId: 'CCB-LOG-1',
        address: `aws_cloudwatch_log_group.${name}`,
        reason: 'retention enforced by the central log archive',
      }),
    ]);
  });
});

describe('renderComplianceMarkdown', () => {
  test('a row per check with its status and framework references', () => {
    const md = renderComplianceMarkdown(evaluateCompliance(fixture('dev')), {
      source: 'apps/dev/cdktf.out/stacks/dev/cdk.tf.json',
    });
    expect(md).toContain(
      '| [Immutable retention](#immutable-retention) | **NOT CONFIGURED** | CC7.2 | §164.312(c)(1) |',
    );
    expect(md).toContain('| [Access logging](#access-logging) | **PASS** |');
    expect(md).toContain(
      '**5 PASS, 0 MISSING, 0 CONFLICT, 2 NOT CONFIGURED, 0 SUPPRESSED** of 7 controls.',
    );
    expect(md).toContain('Generated from `apps/dev/cdktf.out/stacks/dev/cdk.tf.json`');
    for (const framework of ['SOC 2', 'HIPAA', 'GDPR', 'SOX', 'ISO/IEC 42001']) {
      expect(md).toContain(`### ${framework}`);
    }
  });

  test('suppressions are listed with their reasons', () => {
    const tf = prod();
    tf['//'][SUPPRESSIONS_KEY] = [
      {
        ruleId: 'CCB-S3-5',
        reason: 'expiry | managed by the archive team',
        path: 'prod/archive',
        addresses: [],
        stackWide: false,
      },
    ];
    expect(renderComplianceMarkdown(evaluateCompliance(tf))).toContain(
      '| CCB-S3-5 | prod/archive | 0 resource(s) | expiry \\| managed by the archive team |',
    );
  });
});

test('every rule feeds at least one known check', () => {
  const ids = new Set(CHECK_DEFINITIONS.map((c) => c.id));
  for (const rule of RULES) {
    expect(rule.checks.length).toBeGreaterThan(0);
    for (const c of rule.checks) expect(ids.has(c)).toBe(true);
  }
});

test('seven controls, and every check answers exactly one of them', () => {
  expect(CONTROLS).toHaveLength(7);
  const used = CONTROLS.flatMap((c) => c.checks);
  expect([...used].sort()).toEqual(CHECK_DEFINITIONS.map((c) => c.id).sort());
});
