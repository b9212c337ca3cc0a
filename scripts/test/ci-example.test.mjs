// The example CI workflow (examples/ci-deploy): its YAML calls nothing but ci.mjs commands that
// exist, and those commands, run in the workflow's order as separate jobs (one output directory
// and one pair of GitHub output/summary files each, as runners have), deploy a sharded
// environment with the S3 backend and native locking on the emulator: every stack on the first
// merge (each deploy record naming the state its apply left), nothing when nothing changed, exactly
// the changed team's stack after a roster change, and a stack applied by hand planned again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { COMMANDS, jobsAtOnce, parseCiArgs } from '../../examples/ci-deploy/ci.mjs';
import { stackHash } from '../deploy/record.mjs';
import { stackParallelism } from '../deploy/run.mjs';
import { ROOT } from '../lib.mjs';
import { baseConfig, e2e } from './e2e.mjs';

const ctx = e2e('ci-example');
const EXAMPLE = join(ROOT, 'examples', 'ci-deploy');
const CI = join(EXAMPLE, 'ci.mjs');
const CI_PATH = 'examples/ci-deploy/ci.mjs';
const workflow = parse(readFileSync(join(EXAMPLE, 'github-actions.yml'), 'utf8'));
const setupAction = parse(readFileSync(join(EXAMPLE, 'setup', 'action.yml'), 'utf8'));

/** A `run:` line's words, with "$VAR" / ${{ expr }} kept as single words. */
const words = (line) => line.match(/"[^"]*"|\$\{\{[^}]*\}\}|\S+/g) ?? [];

describe('the workflow calls ci.mjs and nothing else', () => {
  const steps = [
    ...Object.entries(workflow.jobs).flatMap(([job, j]) =>
      j.steps.map((s) => ({ where: `jobs.${job}`, step: s })),
    ),
    ...setupAction.runs.steps.map((s) => ({ where: 'setup/action.yml', step: s })),
  ];

  it('every run: step is one ci.mjs command with the arguments it takes', () => {
    const runs = steps.filter(({ step }) => step.run !== undefined);
    assert.ok(runs.length >= 5, `${runs.length} run steps`);
    for (const { where, step } of runs) {
      const lines = step.run.trim().split('\n');
      assert.equal(lines.length, 1, `${where}: one command per step: ${step.run}`);
      const [node, script, ...args] = words(lines[0]);
      assert.deepEqual([node, script], ['node', CI_PATH], `${where}: ${step.run}`);
      assert.ok(Object.hasOwn(COMMANDS, args[0]), `${where}: unknown command ${args[0]}`);
      assert.deepEqual(parseCiArgs(args).problems, [], `${where}: ${step.run}`);
      // Every variable it reads is set, by the step or the workflow.
      for (const [, name] of lines[0].matchAll(/\$(\w+)/g)) {
        assert.ok(name in { ...workflow.env, ...step.env }, `${where}: $${name} is not set`);
      }
    }
  });

  it('sets up every job the same way: checkout, then the local setup action', () => {
    for (const [job, j] of Object.entries(workflow.jobs)) {
      const uses = j.steps.map((s) => s.uses).filter(Boolean);
      // The gate (plans) only reads its needs' results: no credentials, no build.
      const expected =
        job === 'plans'
          ? ['actions/checkout@v4']
          : ['actions/checkout@v4', './examples/ci-deploy/setup'];
      assert.deepEqual(uses, expected, job);
    }
    const uses = setupAction.runs.steps.map((s) => s.uses).filter(Boolean);
    assert.deepEqual(
      uses.map((u) => u.split('@')[0]),
      ['actions/setup-node', 'hashicorp/setup-terraform', 'aws-actions/configure-aws-credentials'],
    );
    const terraform = setupAction.runs.steps.find((s) => s.uses?.startsWith('hashicorp/'));
    assert.match(String(terraform.with.terraform_version), /^1\.11\./);
    assert.equal(workflow.permissions['id-token'], 'write');
  });

  it('plans on pull requests and applies on main: environment first, team stacks after', () => {
    const { changed, plan, 'apply-environment': env, 'apply-shards': shards } = workflow.jobs;
    const outputs = Object.keys(changed.outputs);
    assert.deepEqual(outputs.sort(), ['environment', 'shards', 'stacks']);
    for (const key of outputs) {
      assert.equal(changed.outputs[key], `\${{ steps.changed.outputs.${key} }}`);
    }
    const text = readFileSync(join(EXAMPLE, 'github-actions.yml'), 'utf8');
    for (const [, key] of text.matchAll(/needs\.changed\.outputs\.(\w+)/g)) {
      assert.ok(outputs.includes(key), `needs.changed.outputs.${key} is not an output`);
    }
    assert.equal(plan.strategy.matrix.stack, '${{ fromJSON(needs.changed.outputs.stacks) }}');
    assert.match(plan.if, /pull_request/);
    assert.match(env.if, /push/);
    assert.deepEqual(shards.needs, ['changed', 'apply-environment']);
    assert.equal(shards.strategy.matrix.stack, '${{ fromJSON(needs.changed.outputs.shards) }}');
    assert.match(shards.if, /!cancelled\(\)/);
    assert.deepEqual(workflow.jobs.plans.needs, ['changed', 'plan']);
    assert.match(workflow.jobs.plans.if, /always\(\)/);
    // One apply at a time per environment, never cancelled; plans cancelled by a newer push.
    assert.match(workflow.concurrency.group, /'deploy-prod'/);
    assert.match(workflow.concurrency['cancel-in-progress'], /pull_request/);
    assert.equal(workflow.env.CCB_ENV, 'prod');
    // Every plan or apply step tells ci.mjs how many jobs of its matrix run at once, from GitHub's
    // strategy context, so Terraform's parallelism is shared among them.
    for (const job of [plan, env, shards]) {
      const step = job.steps.find((st) => st.run?.includes('ci-deploy/ci.mjs'));
      assert.equal(step.env.CCB_JOB_TOTAL, '${{ strategy.job-total }}');
      assert.equal(step.env.CCB_MAX_PARALLEL, '${{ strategy.max-parallel }}');
    }
    assert.equal(jobsAtOnce({}), 1);
    assert.equal(jobsAtOnce({ CCB_JOB_TOTAL: '3', CCB_MAX_PARALLEL: '10' }), 3);
    assert.equal(jobsAtOnce({ CCB_JOB_TOTAL: '30', CCB_MAX_PARALLEL: '10' }), 10);
    assert.equal(jobsAtOnce({ CCB_JOB_TOTAL: 'x', CCB_MAX_PARALLEL: '' }), 1);
  });
});

describe('ci.mjs usage', () => {
  it('reports every problem at once (exit 2) and writes nothing', async () => {
    const res = await job(['bogus', 'dev', '--x', '--out']);
    assert.equal(res.status, 2);
    for (const problem of [
      'unknown option --x',
      '--out needs a directory',
      "unknown command 'bogus'",
    ])
      assert.ok(res.stderr.includes(`ci: ${problem}`), res.stderr);
    assert.deepEqual(res.outputs, {});
    assert.equal(res.summary, '');
    const plan = await job(['plan', 'dev', 'dev-platform', 'extra']);
    assert.equal(plan.status, 2);
    assert.match(plan.stderr, /ci: 'plan' takes env \[stack\] \(got 3 argument\(s\)\)/);
  });

  it('gate: passes when every plan passed or none was needed, fails otherwise', async () => {
    for (const results of [
      ['success', 'success'],
      ['success', 'skipped'],
    ]) {
      const res = await job(['gate', ...results]);
      assert.equal(res.status, 0, res.stderr);
      assert.match(res.summary, /plans: passed/);
    }
    const failed = await job(['gate', 'failure', 'skipped']);
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /ci: the changed job's result is failure/);
    const plan = await job(['gate', 'success', 'cancelled']);
    assert.equal(plan.status, 1);
    assert.match(plan.summary, /plans: failed\n\n- `plan`: cancelled/);
  });
});

/** The sharded test environment: 2 teams of 1, state in the emulator's S3 with native locking. */
const config = {
  ...baseConfig,
  project: 'acme-ci',
  bucketPrefix: 'acme-ci-dev',
  allocation: { shardBy: 'team' },
  developers: [
    { id: 'ana', team: 'platform' },
    { id: 'ben', team: 'payments' },
  ],
  budgets: {
    ...baseConfig.budgets,
    perDeveloper: { enabled: false },
    anomaly: { enabled: false },
  },
  logging: { ...baseConfig.logging, cloudtrail: { enabled: false } },
  backend: { s3: { bucket: 'acme-ci-state', key: 'ci/terraform.tfstate', useLockfile: true } },
};

let jobs = 0;
/**
 * One workflow step as a runner runs it: `ci.mjs <args>` in a fresh output directory with its own
 * GitHub output and summary files (GitHub's own variables of this process left out), the
 * configuration `cfg` as checked out. Resolves `{ status, stderr, outputs, summary, out }`.
 */
function job(args, cfg = undefined, extraEnv = {}) {
  const dir = join(ctx.WORK, 'jobs', String((jobs += 1)));
  mkdirSync(dir, { recursive: true });
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('GITHUB_')),
  );
  if (cfg) {
    writeFileSync(join(dir, 'config.yaml'), stringify(cfg));
    Object.assign(env, {
      CCB_CONFIG: join(dir, 'config.yaml'),
      CCB_EMULATOR_ENDPOINT: ctx.emulator.endpoint,
    });
  }
  const out = join(dir, 'out');
  const argv = cfg ? [...args, '--local', '--out', out] : args;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CI, ...argv], {
      cwd: ROOT,
      env: { ...env, ...files, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => {
      const outputs = Object.fromEntries(
        readFileSync(files.GITHUB_OUTPUT, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
      resolve({ status, stderr, outputs, summary, out });
    });
  });
}

/** An object of the state bucket (a state or a deploy record), parsed. */
function stateObject(key) {
  const file = join(ctx.WORK, 'state-object.json');
  ctx.aws(['s3api', 'get-object', '--bucket', 'acme-ci-state', '--key', key, file]);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The `changed` job's outputs, parsed. */
async function changedStacks(cfg) {
  const res = await job(['changed', 'dev'], cfg);
  assert.equal(res.status, 0, res.stderr);
  // Exactly the outputs the workflow's changed job passes on.
  assert.deepEqual(
    Object.keys(res.outputs).sort(),
    Object.keys(workflow.jobs.changed.outputs).sort(),
  );
  return {
    stacks: JSON.parse(res.outputs.stacks),
    environment: res.outputs.environment,
    shards: JSON.parse(res.outputs.shards),
    summary: res.summary,
    out: res.out,
  };
}

/** Runs `ci.mjs <verb> dev <stack>` for every stack at once (a matrix); asserts each `status`. */
async function matrix(verb, stacks, cfg, status) {
  // As GitHub runs a matrix: each job knows how many of them run at once (max-parallel 10).
  const strategy = { CCB_JOB_TOTAL: String(stacks.length), CCB_MAX_PARALLEL: '10' };
  const results = await Promise.all(stacks.map((s) => job([verb, 'dev', s], cfg, strategy)));
  for (const [i, res] of results.entries()) {
    assert.equal(res.status, 0, `${verb} ${stacks[i]}:\n${res.stderr.slice(-3000)}`);
    assert.match(
      res.summary,
      new RegExp(`\\| \`${stacks[i]}\` \\| ${status} \\| \\+\\d+ ~\\d+ -\\d+ \\|`),
    );
  }
  return results;
}

describe("the workflow's steps on the emulator", { concurrency: false }, () => {
  /** What the roster-change test applied, for the next test: its configuration and a shard. */
  const applied = {};
  const withDeveloper = (cfg, developer) => ({
    ...cfg,
    developers: [...cfg.developers, developer],
  });

  it('refuses an environment whose state is not in S3 (a runner keeps no files)', async () => {
    const res = await job(['changed', 'dev'], { ...config, backend: undefined });
    assert.equal(res.status, 1);
    assert.match(
      res.stderr,
      /ci: dev, dev-payments, dev-platform: the state is local; CI needs backend\.s3/,
    );
    assert.deepEqual(res.outputs, {});
  });

  it('first merge: every stack changed; the environment stack, then the team stacks in parallel', async () => {
    const first = await changedStacks(config);
    assert.deepEqual(first.stacks, ['dev', 'dev-payments', 'dev-platform']);
    assert.equal(first.environment, 'dev');
    assert.deepEqual(first.shards, ['dev-payments', 'dev-platform']);
    assert.match(first.summary, /3 of 3 stack\(s\) differ from what was last applied/);
    const tf = JSON.parse(
      readFileSync(join(first.out, 'cdktf.out', 'stacks', 'dev', 'cdk.tf.json'), 'utf8'),
    );
    assert.equal(tf.terraform.backend.s3.use_lockfile, true);
    assert.equal(tf.terraform.backend.s3.endpoints.s3, ctx.emulator.endpoint);
    // The pull request that adds the environment: a team stack's plan job cannot read the
    // environment stack's outputs before its first apply, so it is deferred, and passes.
    const early = await job(['plan', 'dev', 'dev-payments'], config);
    assert.equal(early.status, 0, early.stderr);
    assert.match(
      early.summary,
      /\| `dev-payments` \| deferred \| {2}\| 0 s \| dev not applied yet \(its outputs are read from its state\) \|/,
    );

    await matrix('apply', [first.environment], config, 'applied');
    await matrix('apply', first.shards, config, 'applied');
    const keys = (ctx.aws(['s3api', 'list-objects-v2', '--bucket', 'acme-ci-state']).Contents ?? [])
      .map((o) => o.Key)
      .sort();
    // Each stack's state and its deploy record; no lock left behind.
    assert.deepEqual(
      keys,
      ['', '-payments', '-platform']
        .flatMap((team) => [
          `ci/terraform${team}.tfstate`,
          `ci/terraform${team}.tfstate.deployed.json`,
        ])
        .sort(),
    );
    // Each record names the configuration applied and the state that apply left behind.
    for (const name of ['dev', 'dev-payments', 'dev-platform']) {
      const key = `ci/terraform${name.slice(3)}.tfstate`;
      const [state, record] = [stateObject(key), stateObject(`${key}.deployed.json`)];
      assert.deepEqual(
        [record.stack, record.stateLineage, record.stateSerial],
        [name, state.lineage, state.serial],
      );
      assert.equal(record.configSha256, stackHash(join(first.out, 'cdktf.out', 'stacks', name)));
    }
  });

  it('nothing changed: an empty matrix, so no plan or apply job runs', async () => {
    const again = await changedStacks(config);
    assert.deepEqual([again.stacks, again.environment, again.shards], [[], '', []]);
    assert.match(again.summary, /Nothing changed: all 3 stack\(s\) are as last applied/);
  });

  it("a roster change: the changed teams' stacks only, planned in parallel, then applied", async () => {
    // One team's roster: exactly that team's stack.
    const onePr = withDeveloper(config, { id: 'cleo', team: 'platform' });
    const one = await changedStacks(onePr);
    assert.deepEqual(
      [one.stacks, one.environment, one.shards],
      [['dev-platform'], '', ['dev-platform']],
    );

    // Both teams': their two stacks, planned as parallel jobs (each its own state and lock).
    const pr = withDeveloper(onePr, { id: 'dan', team: 'payments' });
    const changed = await changedStacks(pr);
    assert.deepEqual(changed.stacks, ['dev-payments', 'dev-platform']);
    const plans = await matrix('plan', changed.stacks, pr, 'planned');
    // Two plan jobs at once: each gets half of Terraform's operations in flight.
    const platformLog = join(plans[1].out, 'cdktf.out', 'stacks', 'dev-platform', 'deploy.log');
    assert.match(
      readFileSync(platformLog, 'utf8'),
      new RegExp(`^\\$ terraform plan .* -parallelism=${stackParallelism(2)}( |$)`, 'm'),
    );
    assert.match(
      plans[1].summary,
      /aws_bedrock_inference_profile\.\S+\["cleo\/sonnet"\] will be created/,
    );
    assert.doesNotMatch(plans[1].summary, /"dan\//);

    // The merge: a plan records nothing, so the same stacks are applied, without the environment.
    const merged = await changedStacks(pr);
    assert.deepEqual([merged.environment, merged.shards], ['', ['dev-payments', 'dev-platform']]);
    const applies = await matrix('apply', merged.shards, pr, 'applied');

    // Every changed stack at once (`apply <env>`, for a run by hand): now none.
    const all = await job(['apply', 'dev'], pr);
    assert.equal(all.status, 0, all.stderr);
    assert.match(
      all.summary,
      /Nothing changed\.\n\nAs last applied: `dev`, `dev-payments`, `dev-platform`\./,
    );
    applied.pr = pr;
    applied.platformDir = join(applies[1].out, 'cdktf.out', 'stacks', 'dev-platform');
  });

  it('an apply run by hand (same configuration): its stack is changed again, by its state', async () => {
    const { pr, platformDir } = applied;
    const tf = JSON.parse(readFileSync(join(platformDir, 'cdk.tf.json'), 'utf8'));
    const object = `aws_s3_object.${Object.keys(tf.resource.aws_s3_object)[0]}`;
    const sidecar = () => stateObject('ci/terraform-platform.tfstate.deployed.json');
    const before = sidecar();
    // Someone applies the team's stack without the workflow: the state moves on, the record not.
    const hand = ctx.tf(platformDir, [
      'apply',
      '-auto-approve',
      '-input=false',
      `-replace=${object}`,
    ]);
    assert.equal(hand.status, 0, hand.stderr);
    const changed = await changedStacks(pr);
    assert.deepEqual(changed.stacks, ['dev-platform']);
    // Planned by hand with every changed stack (`plan <env>`), which shows why each is planned.
    const plan = await job(['plan', 'dev'], pr);
    assert.equal(plan.status, 0, plan.stderr);
    assert.match(
      plan.summary,
      /\| `dev-platform` \| planned \| \+0 ~0 -0 \| [\d.]+ s \| state written since the recorded apply \(serial (\d+) -> (\d+)\) \|/,
    );
    // A plan records nothing.
    assert.deepEqual(sidecar(), before);
  });
});

describe('examples/ci-deploy/README.md', () => {
  it('shows every ci.mjs command', () => {
    const readme = readFileSync(join(EXAMPLE, 'README.md'), 'utf8');
    for (const command of Object.keys(COMMANDS)) {
      assert.ok(readme.includes(`ci.mjs ${command}`), command);
    }
  });
});
