// Interrupted applies converge, nothing duplicated or lost, deterministically: the emulator holds
// the answers of chosen creates after performing them (emulator/faults.py: the object exists, the
// answer never reaches Terraform), Terraform is interrupted while those requests hang (SIGINT
// twice, then SIGKILL, which also loses whatever Terraform had not written down), the held
// requests are released, `npm run reconcile` adopts what each interrupted run left behind, and the
// next apply goes on from there. One sequence of applies covers every adopted resource type the
// dev stack creates (with a network section, a guardrail and an Identity Center permission set);
// the final apply converges and every state entry of an adopted type has exactly one object in the
// emulator.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, must, summarize } from '../lib.mjs';
import { stateInstances, stateNaturalId } from '../reconcile.mjs';
import { ADOPTED, findAll, remote } from '../reconcile/types.mjs';
import { baseConfig, e2e } from './e2e.mjs';

const ctx = e2e('interrupt');
const ALL = 'all'; // hold every create of the type

/**
 * The interruption points, in order. Each holds the creates of its `holds` ([operation, resource
 * type, how many]); once all of them hang, Terraform gets `signal`. A point's creates depend on
 * what the previous points held (buckets before the workgroup before the named queries, roles and
 * log groups before the function before its permissions), so each point is reached in its own
 * apply. The bucket versionings are held twice so that the lifecycle configurations, whose
 * provider waiter takes 55 s, are created only once, by the final apply.
 */
const POINTS = [
  {
    signal: 'SIGINT',
    holds: [
      ['logs:CreateLogGroup', 'aws_cloudwatch_log_group', ALL],
      ['iam:CreateRole', 'aws_iam_role', ALL],
      ['iam:CreatePolicy', 'aws_iam_policy', 1],
      ['bedrock:CreateInferenceProfile', 'aws_bedrock_inference_profile', 1],
      ['bedrock:CreateGuardrail', 'aws_bedrock_guardrail', 1],
      ['sns:CreateTopic', 'aws_sns_topic', 1],
      ['s3:CreateBucket', 'aws_s3_bucket', ALL],
      ['glue:CreateDatabase', 'aws_glue_catalog_database', 1],
      ['dynamodb:CreateTable', 'aws_dynamodb_table', 1],
      ['ce:CreateAnomalyMonitor', 'aws_ce_anomaly_monitor', 1],
      ['sso:CreatePermissionSet', 'aws_ssoadmin_permission_set', 1],
      ['ec2:CreateSecurityGroup', 'aws_security_group', 1],
    ],
  },
  {
    signal: 'SIGINT',
    holds: [
      ['athena:CreateWorkGroup', 'aws_athena_workgroup', 1],
      ['glue:CreateTable', 'aws_glue_catalog_table', 1],
      ['logs:PutQueryDefinition', 'aws_cloudwatch_query_definition', 1],
      ['budgets:CreateBudget', 'aws_budgets_budget', 1],
      ['ce:CreateAnomalySubscription', 'aws_ce_anomaly_subscription', 1],
      ['cloudtrail:CreateTrail', 'aws_cloudtrail', 1],
      ['lambda:CreateFunction', 'aws_lambda_function', 1],
      ['ec2:CreateVpcEndpoint', 'aws_vpc_endpoint', 1],
      ['ec2:AuthorizeSecurityGroupIngress', 'aws_vpc_security_group_ingress_rule', 1],
      ['ec2:CreateFlowLogs', 'aws_flow_log', 1],
      ['s3:PutBucketVersioning', 'aws_s3_bucket_versioning', ALL],
    ],
  },
  {
    signal: 'SIGKILL',
    holds: [
      ['athena:CreateNamedQuery', 'aws_athena_named_query', 1],
      ['lambda:AddPermission', 'aws_lambda_permission', 1],
      ['events:PutTargets', 'aws_cloudwatch_event_target', 1],
      ['s3:PutBucketVersioning', 'aws_s3_bucket_versioning', ALL],
    ],
  },
];

/** A request to the emulator's fault routes; the JSON answer. */
async function faults(method, { body, query = '' } = {}) {
  const res = await fetch(`${ctx.emulator.endpoint}/_emulator/faults${query}`, {
    method,
    body: body && JSON.stringify(body),
  });
  const answer = await res.json();
  assert.equal(res.status, 200, `${method} /_emulator/faults: ${answer.message}`);
  return answer;
}

/**
 * Runs `terraform apply` with the point's faults, waits until every one holds its requests, sends
 * the signal to Terraform's process group (as Ctrl-C or a killed CI job does), waits for the exit
 * and releases the held requests. Returns Terraform's output.
 */
async function interruptedApply(stackDir, point, counts) {
  let held = 0;
  for (const [operation, type, count] of point.holds) {
    const n = count === ALL ? counts[type] : count;
    held += n;
    await faults('POST', { body: { operation, mode: 'hold-after', count: n } });
  }
  const child = spawn(
    'terraform',
    ['apply', '-auto-approve', '-input=false', '-no-color', '-parallelism=40'],
    { cwd: stackDir, env: ctx.tfEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    const status = await Promise.race([
      faults('GET', { query: `?wait=120&held=${held}` }),
      exited.then(() => ({ held: 'exited', faults: [] })),
    ]);
    const why = `${JSON.stringify(status.faults)}\n${out.slice(-3000)}`;
    assert.equal(
      status.held,
      held,
      `not every create was held before the ${point.signal}:\n${why}`,
    );
    process.kill(-child.pid, point.signal);
    const { code, signal } = await exited;
    assert.ok(
      code !== 0,
      `terraform apply ended well despite the ${point.signal}: ${code} ${signal}`,
    );
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    await exited;
    await faults('DELETE');
  }
  return out;
}

/** `npm run reconcile` on the stack: the import blocks it wrote ([] when none). */
function reconcile(stackDir) {
  const file = join(stackDir, 'reconcile-imports.tf.json');
  must('node', [join(ROOT, 'scripts', 'reconcile.mjs'), '--dir', stackDir], {
    env: { ...ctx.tfEnv, CCB_EMULATOR_ENDPOINT: ctx.emulator.endpoint },
  });
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).import : [];
}

describe('interrupted applies', { concurrency: false }, () => {
  it('converge after SIGINT and SIGKILL mid-create, with nothing duplicated or lost', async (t) => {
    let last = Date.now();
    const lap = (what) => {
      t.diagnostic(`${what}: ${((Date.now() - last) / 1000).toFixed(1)} s`);
      last = Date.now();
    };
    const vpcId = ctx.aws(['ec2', 'create-vpc', '--cidr-block', '10.30.0.0/16']).Vpc.VpcId;
    const dnsHostnames = ['--enable-dns-hostnames', '{"Value":true}'];
    ctx.aws(['ec2', 'modify-vpc-attribute', '--vpc-id', vpcId, ...dnsHostnames]);
    const subnetId = ctx.aws([
      ...['ec2', 'create-subnet', '--vpc-id', vpcId, '--cidr-block', '10.30.0.0/24'],
      ...['--availability-zone', 'us-east-1a'],
    ]).Subnet.SubnetId;
    const instanceArn = ctx.aws(['sso-admin', 'list-instances']).Instances[0].InstanceArn;
    const config = {
      ...baseConfig,
      project: 'acme-intr',
      bucketPrefix: 'acme-intr-dev',
      // Two developers (one with the opus group) are enough: every apply refreshes the stack.
      developers: baseConfig.developers.filter((d) =>
        ['jane.doe@example.com', 'bob.smith'].includes(d.id),
      ),
      logging: { ...baseConfig.logging, manageInvocationLogging: false },
      budgets: { ...baseConfig.budgets, guardrail: { enabled: true } },
      attribution: { identityCenterInstanceArn: instanceArn },
      network: {
        vpcId,
        subnetIds: [subnetId],
        allowedCidrs: ['10.0.0.0/8'],
        flowLogs: { enabled: true, destination: 'cloudwatch', retentionDays: 30 },
      },
    };
    const stackDir = ctx.synth(join(ctx.WORK, 'interrupt'), config);
    const counts = summarize(stackDir).resources;
    // Every adopted type of the stack is held at some point (budget actions are prod-only: this
    // config does not enable them).
    const held = new Set(POINTS.flatMap((p) => p.holds.map(([, type]) => type)));
    assert.deepEqual(
      Object.keys(counts).filter((t) => ADOPTED[t] && !held.has(t)),
      [],
      'adopted types the test never interrupts',
    );
    must('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env: ctx.tfEnv });
    lap('synth and init');

    for (const [n, point] of POINTS.entries()) {
      await interruptedApply(stackDir, point, counts);
      lap(`point ${n + 1}: apply until ${point.signal}`);
      const adopted = reconcile(stackDir);
      lap(`point ${n + 1}: reconcile (${adopted.length} adopted)`);
      for (const [operation, type, count] of point.holds) {
        const imported = adopted.filter((i) => i.to.startsWith(`${type}.`)).length;
        if (ADOPTED[type]) {
          const n = count === ALL ? counts[type] : count;
          assert.ok(imported >= n, `${operation}: ${imported} of ${n} held ${type} adopted`);
        } else {
          assert.equal(imported, 0, `${type} is created idempotently, never adopted`);
        }
      }
    }
    ctx.apply(stackDir);
    lap('final apply');

    const plan = ctx.tf(stackDir, ['plan', '-detailed-exitcode', '-input=false']);
    assert.equal(plan.status, 0, `the stack did not converge:\n${plan.stdout.slice(-3000)}`);
    assert.deepEqual(reconcile(stackDir), [], 'nothing is orphaned any more');
    assert.equal(existsSync(join(stackDir, 'reconcile-imports.tf.json')), false);
    lap('plan and reconcile');

    // Exactly one object per state entry of every adopted type, and it is the one in state.
    const state = stateInstances(stackDir, ctx.tfEnv);
    const entries = [...state]
      .map(([address, attrs]) => [address.split('.')[0], address, attrs])
      .filter(([type]) => ADOPTED[type])
      .map(([type, address, attrs]) => [type, address, attrs, stateNaturalId(type, attrs)]);
    const types = [...new Set(entries.map(([type]) => type))];
    const aws = remote({ endpoint: ctx.emulator.endpoint, region: 'us-east-1' });
    const found = await findAll(
      types.map((t) => [t, entries.filter(([type]) => type === t).map(([, , , key]) => key)]),
      aws,
    );
    for (const [type, address, attrs, key] of entries) {
      const objects = found.get(type).get(key) ?? [];
      assert.equal(objects.length, 1, `${address} (${key}): ${objects.length} objects`);
      if (objects[0].attrs.id !== undefined) assert.equal(objects[0].attrs.id, attrs.id, address);
    }
    assert.deepEqual(
      types.sort(),
      Object.keys(counts)
        .filter((t) => ADOPTED[t])
        .sort(),
    );
  });
});
