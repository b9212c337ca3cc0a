import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { readFileSync } from 'fs';
import { join } from 'path';
import { terraformValidate } from '@claude-code-bedrock/testing';
import {
  ClaudeCodeBedrockChecks,
  SUPPRESSIONS_KEY,
  applyChecks,
  evaluateStack,
  suppress,
} from '../src';
import { addr, compliantBucket, newStack, tfJson } from './helpers';

function annotations(construct: IConstruct, level: 'error' | 'warn' | 'info'): string[] {
  return construct.node.metadata
    .filter((m) => m.type === `@cdktf/${level}`)
    .map((m) => String(m.data));
}

/** A bucket that passes every S3 rule except the lifecycle one (a warning). */
function bucketWithoutLifecycle(stack: TerraformStack) {
  const { bucket } = compliantBucket(stack, 'logs');
  const lifecycle = stack.node.findAll().find((c) => c instanceof S3BucketLifecycleConfiguration);
  lifecycle?.node.scope?.node.tryRemoveChild(lifecycle.node.id);
  return bucket;
}

describe('ClaudeCodeBedrockChecks', () => {
  test('a compliant stack synthesizes', () => {
    const { app, stack } = newStack();
    compliantBucket(stack, 'logs');
    Aspects.of(stack).add(new ClaudeCodeBedrockChecks());
    expect(() => app.synth()).not.toThrow();
  });

  test('an error finding fails app.synth() with rule id, address, construct path and fix', () => {
    const { app, stack } = newStack();
    const bucket = new S3Bucket(stack, 'bare', { bucket: 'bare-bucket' });
    applyChecks(stack);
    expect(() => app.synth()).toThrow(
      new RegExp(
        `\\[CCB-S3-1\\] ${addr(bucket).replace(/\./g, '\\.')} \\(test/bare\\): has no aws_s3_bucket_public_access_block\\. Fix: Add an aws_s3_bucket_public_access_block`,
      ),
    );
  });

  test('each finding is an error annotation on the offending construct', () => {
    const { stack } = newStack();
    const bucket = new S3Bucket(stack, 'bare', { bucket: 'bare-bucket' });
    applyChecks(stack);
    expect(() => Testing.synth(stack, true)).toThrow(/CCB-S3-2/);
    const errors = annotations(bucket, 'error');
    expect(errors.map((e) => e.slice(0, 11)).sort()).toEqual([
      '[CCB-S3-1] ',
      '[CCB-S3-2] ',
      '[CCB-S3-3] ',
      '[CCB-S3-4] ',
    ]);
    expect(annotations(bucket, 'warn')).toEqual([expect.stringContaining('[CCB-S3-5]')]);
  });

  test('repeated synths do not duplicate annotations', () => {
    const { stack } = newStack();
    const bucket = new S3Bucket(stack, 'bare', { bucket: 'bare-bucket' });
    applyChecks(stack);
    expect(() => Testing.synth(stack, true)).toThrow();
    expect(() => Testing.synth(stack, true)).toThrow();
    expect(annotations(bucket, 'error')).toHaveLength(4);
  });

  test('warnings alone do not fail synth', () => {
    const { app, stack } = newStack();
    const bucket = bucketWithoutLifecycle(stack);
    applyChecks(stack);
    expect(() => app.synth()).not.toThrow();
    expect(annotations(bucket, 'warn')).toEqual([expect.stringContaining('[CCB-S3-5]')]);
  });

  test('severities can be raised per rule', () => {
    const { app, stack } = newStack();
    bucketWithoutLifecycle(stack);
    applyChecks(stack, { severities: { 'CCB-S3-5': 'error' } });
    expect(() => app.synth()).toThrow(/CCB-S3-5/);
  });

  test('a stack-level finding (missing team budget) is reported on the stack', () => {
    const { app, stack } = newStack();
    applyChecks(stack, { teams: ['payments'] });
    expect(() => app.synth()).toThrow(/\[CCB-BUD-1\] stack test: team 'payments'/);
    expect(annotations(stack, 'error')).toEqual([expect.stringContaining("team 'payments'")]);
  });

  test('the report of the last check is available', () => {
    const { stack } = newStack();
    new S3Bucket(stack, 'bare', { bucket: 'bare-bucket' });
    const checks = applyChecks(stack);
    expect(checks.reportFor(stack)).toBeUndefined();
    expect(() => Testing.synth(stack, true)).toThrow();
    expect(checks.reportFor(stack)?.errors).toHaveLength(4);
  });
});

describe('suppress', () => {
  test('a suppressed finding does not fail synth and is recorded with its reason', () => {
    const { app, stack } = newStack();
    const bucket = bucketWithoutLifecycle(stack);
    const unblocked = new S3Bucket(stack, 'site', { bucket: 'site-bucket' });
    for (const rule of ['CCB-S3-1', 'CCB-S3-2', 'CCB-S3-3', 'CCB-S3-4', 'CCB-S3-5']) {
      suppress(unblocked, rule, 'static website bucket behind CloudFront');
    }
    suppress(bucket, 'CCB-S3-5', 'kept until the legal hold is lifted');
    applyChecks(stack);
    expect(() => app.synth()).not.toThrow();

    const json = JSON.parse(
      readFileSync(join(app.outdir, 'stacks', 'test', 'cdk.tf.json'), 'utf8'),
    ) as Record<string, Record<string, unknown>>;
    expect(json['//'][SUPPRESSIONS_KEY]).toContainEqual({
      ruleId: 'CCB-S3-5',
      reason: 'kept until the legal hold is lifted',
      path: 'test/logs/Resource',
      addresses: [addr(bucket)],
      stackWide: false,
    });
    const report = evaluateStack(json);
    expect(report.errors).toEqual([]);
    expect(report.findings.filter((f) => f.suppression)).toHaveLength(6);
    expect(annotations(bucket, 'info')).toEqual([
      expect.stringContaining('[CCB-S3-5] suppressed (kept until the legal hold is lifted)'),
    ]);
  });

  test('a suppression on a construct covers the resources under it', () => {
    const { app, stack } = newStack();
    bucketWithoutLifecycle(stack);
    suppress(stack.node.findChild('logs'), 'CCB-S3-5', 'short-lived test data');
    applyChecks(stack, { severities: { 'CCB-S3-5': 'error' } });
    expect(() => app.synth()).not.toThrow();
  });

  test('a suppression on the stack covers stack-level findings', () => {
    const { app, stack } = newStack();
    new BudgetsBudget(stack, 'overall', {
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      limitAmount: '10',
      limitUnit: 'USD',
    });
    suppress(stack, 'CCB-BUD-1', 'payments is budgeted in its own account');
    applyChecks(stack, { teams: ['payments'] });
    expect(() => app.synth()).not.toThrow();
  });

  test('suppressions reach the synthesized JSON without the checks aspect', () => {
    const { stack } = newStack();
    const bucket = new S3Bucket(stack, 'bare', { bucket: 'bare-bucket' });
    suppress(bucket, 'CCB-S3-1', 'reviewed: no objects are ever written');
    Testing.synth(stack);
    const report = evaluateStack(tfJson(stack));
    expect(report.findings.find((f) => f.ruleId === 'CCB-S3-1')?.suppression).toEqual({
      reason: 'reviewed: no objects are ever written',
      path: 'test/bare',
    });
  });

  test('a blank reason is rejected', () => {
    const { stack } = newStack();
    expect(() => suppress(stack, 'CCB-S3-1', '   ')).toThrow(/reason: is required.*\(got " {3}"\)/);
  });

  test('an unknown rule id is rejected, naming it', () => {
    const { stack } = newStack();
    expect(() => suppress(stack, 'CCB-S3-9', 'typo')).toThrow(
      /ruleId: is not a rule id.*"CCB-S3-9"/,
    );
  });
});

describe('terraform', () => {
  test('a checked stack with suppressions is valid Terraform', () => {
    const { stack } = newStack();
    const bucket = bucketWithoutLifecycle(stack);
    suppress(bucket, 'CCB-S3-5', 'expiry is managed by the data owner');
    applyChecks(stack);
    expect(terraformValidate(stack)).toMatchObject({ valid: true });
  }, 60_000);
});
