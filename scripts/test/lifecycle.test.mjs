// End-to-end lifecycle of the dev environment on the local AWS emulator: apply, idempotence,
// roster changes, an interrupted apply, S3 state locking and a destroy that must not lose logs.
// Run with `node --test scripts/test/` (part of `npm test`). Needs terraform, python3 + moto and
// the aws CLI; builds nothing itself (`npm run build` first).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { startEmulator } from '../emulator.mjs';
import { ROOT, must, run, synthApp, terraformEnv } from '../lib.mjs';

const ACCOUNT = '123456789012';
const WORK = join(os.tmpdir(), `ccb-lifecycle-${process.pid}`);
const baseConfig = parse(readFileSync(join(ROOT, 'apps', 'dev', 'config.yaml'), 'utf8'));
let emulator;
let tfEnv;

function aws(args) {
  const res = must('aws', [...args, '--endpoint-url', emulator.endpoint, '--output', 'json'], {
    env: tfEnv,
  });
  return res.stdout.trim() ? JSON.parse(res.stdout) : {};
}

/** Synthesizes the dev app for the emulator with `config` into `dir`; returns the stack dir. */
function synth(dir, config) {
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, stringify(config));
  const [stackDir] = synthApp('dev', {
    outdir: join(dir, 'cdktf.out'),
    env: {
      CCB_CONFIG: configPath,
      CCB_TARGET: 'local',
      CCB_EMULATOR_ENDPOINT: emulator.endpoint,
      CCB_STATE_DIR: dir,
    },
  });
  return stackDir;
}

const tf = (stackDir, args, opts = {}) =>
  run('terraform', [...args, '-no-color'], { cwd: stackDir, env: tfEnv, capture: true, ...opts });

function apply(stackDir) {
  const res = tf(stackDir, ['apply', '-auto-approve', '-input=false', '-parallelism=20']);
  assert.equal(res.status, 0, `terraform apply failed:\n${res.stdout.slice(-3000)}\n${res.stderr}`);
}

/** Planned changes as [address, actions] pairs, no-ops left out. */
function plannedChanges(stackDir) {
  const p = tf(stackDir, ['plan', '-input=false', '-out=plan.bin']);
  assert.equal(p.status, 0, `terraform plan failed:\n${p.stderr}`);
  const shown = JSON.parse(tf(stackDir, ['show', '-json', 'plan.bin']).stdout);
  return (shown.resource_changes ?? [])
    .filter((c) => !(c.change.actions.length === 1 && c.change.actions[0] === 'no-op'))
    .map((c) => [c.address, c.change.actions.join('+')]);
}

const withDevelopers = (developers) => ({ ...baseConfig, developers });

before(async () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  emulator = await startEmulator({ logFile: join(WORK, 'emulator.log') });
  tfEnv = terraformEnv({
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_PAGER: '',
  });
});

after(async () => {
  await emulator?.stop();
});

describe('dev environment on the emulator', { concurrency: false }, () => {
  const dir = join(WORK, 'main');
  let stackDir;
  let outputs;

  it('applies and outputs one profile ARN per developer', () => {
    stackDir = synth(dir, baseConfig);
    must('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env: tfEnv });
    apply(stackDir);
    outputs = JSON.parse(tf(stackDir, ['output', '-json']).stdout);
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
    const listed = aws(['bedrock', 'list-inference-profiles', '--type-equals', 'APPLICATION']);
    const profiles = listed.inferenceProfileSummaries;
    const expected = Object.values(outputs.inference_profiles.value).flatMap((t) =>
      Object.values(t),
    );
    assert.equal(profiles.length, expected.length);
    const jane = outputs.inference_profiles.value['jane.doe@example.com'].opus;
    const tags = aws(['bedrock', 'list-tags-for-resource', '--resource-arn', jane]).tags;
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
    const sse = aws(['s3api', 'get-bucket-encryption', '--bucket', bucket]);
    assert.equal(
      sse.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault
        .SSEAlgorithm,
      'AES256',
    );
    assert.equal(aws(['s3api', 'get-bucket-versioning', '--bucket', bucket]).Status, 'Enabled');
    assert.deepEqual(
      aws(['s3api', 'get-public-access-block', '--bucket', bucket]).PublicAccessBlockConfiguration,
      {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    );

    const logging = aws(['bedrock', 'get-model-invocation-logging-configuration']).loggingConfig;
    assert.equal(logging.textDataDeliveryEnabled, true);
    assert.equal(logging.s3Config.bucketName, bucket);
    assert.equal(logging.cloudWatchConfig.logGroupName, outputs.log_group_name.value);

    const budgets = aws(['budgets', 'describe-budgets', '--account-id', ACCOUNT]).Budgets;
    const team = budgets.find((b) => b.BudgetName === 'acme-claude-team-platform');
    assert.ok(team, `team budget missing among ${budgets.map((b) => b.BudgetName)}`);
    assert.deepEqual(team.CostFilters, { TagKeyValue: ['user:Team$platform'] });

    const wg = aws([
      'athena',
      'get-work-group',
      '--work-group',
      outputs.athena_workgroup.value,
    ]).WorkGroup;
    assert.equal(wg.Configuration.EnforceWorkGroupConfiguration, true);
    const table = aws([
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
    const res = tf(stackDir, ['plan', '-detailed-exitcode', '-input=false']);
    assert.equal(
      res.status,
      0,
      `expected no changes, got exit ${res.status}:\n${res.stdout.slice(-3000)}`,
    );
  });

  it('reordering the roster changes nothing', () => {
    synth(dir, withDevelopers([...baseConfig.developers].reverse()));
    const res = tf(stackDir, ['plan', '-detailed-exitcode', '-input=false']);
    assert.equal(res.status, 0, `expected no changes after reorder:\n${res.stdout.slice(-3000)}`);
  });

  it('adding a developer adds only their resources', () => {
    synth(
      dir,
      withDevelopers([...baseConfig.developers, { id: 'erin.new@example.com', team: 'payments' }]),
    );
    const changes = plannedChanges(stackDir);
    const created = changes.filter(([, a]) => a === 'create').map(([addr]) => addr);
    const others = changes.filter(([, a]) => a !== 'create');
    assert.ok(created.length >= 2, `expected erin's profiles, got ${JSON.stringify(changes)}`);
    for (const addr of created) assert.match(addr, /erin\.new@example\.com|erinnew/);
    // The Athena profile-mapping file lists every profile ARN, so it is rewritten; nothing else.
    for (const [addr, action] of others) {
      assert.equal(action, 'update', `${addr} ${action}`);
      assert.match(addr, /^aws_s3_object\./);
    }
    apply(stackDir);
  });

  it('removing a developer destroys only their resources and leaves log buckets alone', () => {
    synth(dir, baseConfig);
    const changes = plannedChanges(stackDir);
    const deleted = changes.filter(([, a]) => a === 'delete').map(([addr]) => addr);
    assert.ok(deleted.length >= 2, JSON.stringify(changes));
    for (const addr of deleted) assert.match(addr, /erin\.new@example\.com|erinnew/);
    for (const [addr, action] of changes.filter(([, a]) => a !== 'delete')) {
      assert.equal(action, 'update', `${addr} ${action}`);
      assert.match(addr, /^aws_s3_object\./);
    }
    assert.ok(!changes.some(([addr]) => addr.startsWith('aws_s3_bucket.')));
    apply(stackDir);
  });

  it('terraform destroy does not delete a log bucket that holds logs (fails safe)', () => {
    const bucket = outputs.invocation_logs_bucket.value;
    const key = `bedrock/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/us-east-1/2026/11/02/14/record.json.gz`;
    const file = join(WORK, 'record.json');
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
    aws(['s3api', 'put-object', '--bucket', bucket, '--key', key, '--body', file]);
    const res = tf(stackDir, ['destroy', '-auto-approve', '-input=false']);
    assert.notEqual(res.status, 0, 'destroy should fail while the log bucket holds objects');
    assert.match(res.stderr + res.stdout, /BucketNotEmpty|not empty/i);
    const head = aws(['s3api', 'head-object', '--bucket', bucket, '--key', key]);
    assert.ok(head.ContentLength > 0, 'the log object must survive');
  });
});

describe('interrupted apply', { concurrency: false }, () => {
  it('converges after SIGINT with nothing duplicated or lost', async () => {
    const dir = join(WORK, 'interrupt');
    const config = {
      ...baseConfig,
      project: 'acme-intr',
      bucketPrefix: 'acme-intr-dev',
      logging: { ...baseConfig.logging, manageInvocationLogging: false },
    };
    const stackDir = synth(dir, config);
    must('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env: tfEnv });
    const child = spawn('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], {
      cwd: stackDir,
      env: tfEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise((resolve) => {
      child.stdout.on('data', (d) => {
        out += d;
        if ((out.match(/Creation complete/g) ?? []).length >= 10 && !child.killed)
          child.kill('SIGINT');
      });
      child.on('exit', resolve);
    });
    assert.ok(
      (out.match(/Creation complete/g) ?? []).length >= 10,
      'apply ended before the interrupt',
    );
    // Creates cancelled by the interrupt may have happened in AWS without reaching the state:
    // reconcile writes import blocks for those profiles (matched by their deterministic names),
    // and the next apply adopts them.
    must('node', [join(ROOT, 'scripts', 'reconcile.mjs'), '--dir', stackDir], {
      env: { ...tfEnv, CCB_EMULATOR_ENDPOINT: emulator.endpoint },
    });
    apply(stackDir);
    const res = tf(stackDir, ['plan', '-detailed-exitcode', '-input=false']);
    assert.equal(res.status, 0, res.stdout.slice(-2000));
    const profiles = aws([
      'bedrock',
      'list-inference-profiles',
      '--type-equals',
      'APPLICATION',
    ]).inferenceProfileSummaries.filter((p) => p.inferenceProfileName.startsWith('acme-intr-'));
    const state = JSON.parse(tf(stackDir, ['show', '-json']).stdout);
    const inState = state.values.root_module.resources.filter(
      (r) => r.type === 'aws_bedrock_inference_profile',
    );
    assert.equal(profiles.length, inState.length, 'every profile in AWS is in state, once');
    assert.equal(new Set(profiles.map((p) => p.inferenceProfileName)).size, profiles.length);
  });
});

describe('S3 backend with native locking', { concurrency: false }, () => {
  it('refuses a second concurrent apply and keeps the state intact', async () => {
    const dir = join(WORK, 'locking');
    aws(['s3api', 'create-bucket', '--bucket', 'ccb-state']);
    const config = {
      ...baseConfig,
      project: 'acme-lock',
      bucketPrefix: 'acme-lock-dev',
      logging: { ...baseConfig.logging, manageInvocationLogging: false },
      backend: { s3: { bucket: 'ccb-state', key: 'lock-test/terraform.tfstate' } },
    };
    const stackDir = synth(dir, config);
    const backendFile = join(dir, 'backend.hcl');
    writeFileSync(
      backendFile,
      [
        `endpoints = { s3 = "${emulator.endpoint}" }`,
        'use_path_style = true',
        'skip_credentials_validation = true',
        'skip_requesting_account_id = true',
        'skip_metadata_api_check = true',
        'skip_region_validation = true',
        '',
      ].join('\n'),
    );
    const tfJson = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    assert.equal(tfJson.terraform.backend.s3.use_lockfile, true);
    must('terraform', ['init', '-input=false', '-no-color', `-backend-config=${backendFile}`], {
      cwd: stackDir,
      env: tfEnv,
    });
    const start = () =>
      new Promise((resolve) => {
        const child = spawn(
          'terraform',
          ['apply', '-auto-approve', '-input=false', '-no-color', '-lock-timeout=0s'],
          {
            cwd: stackDir,
            env: tfEnv,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const first = start();
    await new Promise((r) => setTimeout(r, 1500));
    const second = await start();
    const firstResult = await first;
    assert.equal(firstResult.code, 0, firstResult.out.slice(-3000));
    assert.notEqual(second.code, 0, 'the second apply must not run concurrently');
    assert.match(second.out, /Error acquiring the state lock|state lock/i);
    const res = tf(stackDir, ['plan', '-detailed-exitcode', '-input=false']);
    assert.equal(res.status, 0, `state must be intact and complete:\n${res.stdout.slice(-2000)}`);
  });
});
