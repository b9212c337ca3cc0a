// End-to-end lifecycle of the dev environment on the local AWS emulator: apply, what the aws CLI
// sees, idempotence, roster changes and a destroy that must not lose logs. Needs terraform,
// python3 + moto and the aws CLI; `npm run build` first (npm test does).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, must } from '../lib.mjs';
import { ACCOUNT, baseConfig, e2e } from './e2e.mjs';

const ctx = e2e('lifecycle');
const withDevelopers = (developers) => ({ ...baseConfig, developers });

describe('dev environment on the emulator', { concurrency: false }, () => {
  const dir = join(ctx.WORK, 'main');
  let stackDir;
  let outputs;

  it('applies and outputs one profile ARN per developer', () => {
    stackDir = ctx.synth(dir, baseConfig);
    must('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env: ctx.tfEnv });
    ctx.apply(stackDir);
    outputs = JSON.parse(ctx.tf(stackDir, ['output', '-json']).stdout);
    const arns = outputs.inference_profile_arns.value;
    assert.deepEqual(Object.keys(arns).sort(), baseConfig.developers.map((d) => d.id).sort());
    for (const arn of Object.values(arns)) {
      assert.match(
        arn,
        new RegExp(
          `^arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/[a-z0-9]{12}$`,
        ),
      );
    }
    assert.equal(new Set(Object.values(arns)).size, baseConfig.developers.length);
  });

  it('creates the resources the aws CLI can see, with their settings', () => {
    const listed = ctx.aws(['bedrock', 'list-inference-profiles', '--type-equals', 'APPLICATION']);
    const profiles = listed.inferenceProfileSummaries;
    const expected = Object.values(outputs.inference_profiles.value).flatMap((t) =>
      Object.values(t),
    );
    assert.equal(profiles.length, expected.length);
    const jane = outputs.inference_profiles.value['jane.doe@example.com'].opus;
    const tags = ctx.aws(['bedrock', 'list-tags-for-resource', '--resource-arn', jane]).tags;
    assert.deepEqual(
      Object.fromEntries(
        tags
          .filter((t) => ['User', 'Team', 'Project', 'CostCenter'].includes(t.key))
          .map((t) => [t.key, t.value]),
      ),
      {
        User: 'jane.doe@example.com',
        Team: 'platform',
        Project: 'acme-claude',
        CostCenter: 'CC-100',
      },
    );

    const bucket = outputs.invocation_logs_bucket.value;
    const sse = ctx.aws(['s3api', 'get-bucket-encryption', '--bucket', bucket]);
    assert.equal(
      sse.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault
        .SSEAlgorithm,
      'AES256',
    );
    assert.equal(ctx.aws(['s3api', 'get-bucket-versioning', '--bucket', bucket]).Status, 'Enabled');
    assert.deepEqual(
      ctx.aws(['s3api', 'get-public-access-block', '--bucket', bucket])
        .PublicAccessBlockConfiguration,
      {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    );

    const logging = ctx.aws([
      'bedrock',
      'get-model-invocation-logging-configuration',
    ]).loggingConfig;
    assert.equal(logging.textDataDeliveryEnabled, true);
    assert.equal(logging.s3Config.bucketName, bucket);
    assert.equal(logging.cloudWatchConfig.logGroupName, outputs.log_group_name.value);

    const budgets = ctx.aws(['budgets', 'describe-budgets', '--account-id', ACCOUNT]).Budgets;
    const team = budgets.find((b) => b.BudgetName === 'acme-claude-team-platform');
    assert.ok(team, `team budget missing among ${budgets.map((b) => b.BudgetName)}`);
    assert.deepEqual(team.CostFilters, { TagKeyValue: ['user:Team$platform'] });

    const wg = ctx.aws([
      'athena',
      'get-work-group',
      '--work-group',
      outputs.athena_workgroup.value,
    ]).WorkGroup;
    assert.equal(wg.Configuration.EnforceWorkGroupConfiguration, true);
    const table = ctx.aws([
      'glue',
      'get-table',
      '--database-name',
      outputs.athena_database.value,
      '--name',
      outputs.glue_table.value,
    ]).Table;
    assert.equal(table.Parameters['projection.enabled'], 'true');
  });

  it('is idempotent: a second plan reports no changes', () => {
    const res = ctx.tf(stackDir, ['plan', '-detailed-exitcode', '-input=false']);
    assert.equal(
      res.status,
      0,
      `expected no changes, got exit ${res.status}:\n${res.stdout.slice(-3000)}`,
    );
  });

  it('reordering the roster changes nothing', () => {
    ctx.synth(dir, withDevelopers([...baseConfig.developers].reverse()));
    // The state was just refreshed by the idempotence check: this compares configuration only.
    const res = ctx.tf(stackDir, ['plan', '-detailed-exitcode', '-input=false', '-refresh=false']);
    assert.equal(res.status, 0, `expected no changes after reorder:\n${res.stdout.slice(-3000)}`);
  });

  it('adding a developer adds only their resources', () => {
    ctx.synth(
      dir,
      withDevelopers([...baseConfig.developers, { id: 'erin.new@example.com', team: 'payments' }]),
    );
    const changes = ctx.plannedChanges(stackDir);
    const created = changes.filter(([, a]) => a === 'create').map(([addr]) => addr);
    const others = changes.filter(([, a]) => a !== 'create');
    assert.ok(created.length >= 2, `expected erin's profiles, got ${JSON.stringify(changes)}`);
    for (const addr of created) assert.match(addr, /erin\.new@example\.com|erinnew/);
    // The Athena profile-mapping file lists every profile ARN, so it is rewritten; nothing else.
    for (const [addr, action] of others) {
      assert.equal(action, 'update', `${addr} ${action}`);
      assert.match(addr, /^aws_s3_object\./);
    }
    ctx.apply(stackDir, { plan: 'plan.bin' });
  });

  it('removing a developer destroys only their resources and leaves log buckets alone', () => {
    ctx.synth(dir, baseConfig);
    const changes = ctx.plannedChanges(stackDir);
    const deleted = changes.filter(([, a]) => a === 'delete').map(([addr]) => addr);
    assert.ok(deleted.length >= 2, JSON.stringify(changes));
    for (const addr of deleted) assert.match(addr, /erin\.new@example\.com|erinnew/);
    for (const [addr, action] of changes.filter(([, a]) => a !== 'delete')) {
      assert.equal(action, 'update', `${addr} ${action}`);
      assert.match(addr, /^aws_s3_object\./);
    }
    assert.ok(!changes.some(([addr]) => addr.startsWith('aws_s3_bucket.')));
    ctx.apply(stackDir, { plan: 'plan.bin' });
  });

  it('terraform destroy does not delete a log bucket that holds logs (fails safe)', () => {
    const bucket = outputs.invocation_logs_bucket.value;
    const key = `bedrock/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/us-east-1/2026/11/02/14/record.json.gz`;
    const file = join(ctx.WORK, 'record.json');
    writeFileSync(
      file,
      readFileSync(
        join(
          ROOT,
          'packages',
          'logging',
          'test',
          'fixtures',
          'bedrock-invocation-log-sample.jsonl',
        ),
      ),
    );
    ctx.aws(['s3api', 'put-object', '--bucket', bucket, '--key', key, '--body', file]);
    const res = ctx.tf(stackDir, ['destroy', '-auto-approve', '-input=false']);
    assert.notEqual(res.status, 0, 'destroy should fail while the log bucket holds objects');
    assert.match(res.stderr + res.stdout, /BucketNotEmpty|not empty/i);
    const head = ctx.aws(['s3api', 'head-object', '--bucket', bucket, '--key', key]);
    assert.ok(head.ContentLength > 0, 'the log object must survive');
  });
});
