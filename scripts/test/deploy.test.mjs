// `npm run deploy` (scripts/deploy.mjs, scripts/deploy/) and `npm start` on top of it.
// Unit level, without Terraform: the command line, the content hash and the sidecar, the selection
// of changed stacks, the scheduler (with a stand-in terraform). End to end on the emulator: the prod
// app with its S3 backend and native lock, through `npm start -- --env prod` and `npm run deploy --
// --env prod --local`. A sharded environment deployed with --changed on the emulator (first deploy,
// no-op, one team's change alone, a hand-run apply noticed, records read back) is
// ci-example.test.mjs (S3 backend, as CI runs it) and bench-day2.test.mjs (local backend,
// per-developer budgets): one sharded environment built from scratch per backend, not two.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ROOT, run } from '../lib.mjs';
import { parseDeployArgs } from '../deploy/args.mjs';
import {
  readRecords,
  sidecarFor,
  stackBackend,
  stackHash,
  writeSidecar,
} from '../deploy/record.mjs';
import {
  TF_OPERATIONS,
  firstError,
  initialized,
  runStacks,
  stackParallelism,
  summaryCounts,
} from '../deploy/run.mjs';
import { changeReason, selectStacks } from '../deploy/select.mjs';
import { ACCOUNT, e2e } from './e2e.mjs';

const ctx = e2e('deploy');
const node = (script, args, env = {}) =>
  run(process.execPath, [join(ROOT, 'scripts', script), ...args], {
    capture: true,
    env: { ...process.env, ...env },
  });
const timed = (fn) => {
  const started = Date.now();
  const result = fn();
  return { ...result, seconds: (Date.now() - started) / 1000 };
};
const scratch = () => mkdtempSync(join(tmpdir(), 'ccb-deploy-unit-'));

describe('deploy command line', () => {
  it('reads every option of the contract', () => {
    const { options, problems } = parseDeployArgs(
      [
        '--env',
        'dev',
        '--local',
        '--changed',
        '--stack',
        'dev',
        '--stack=dev-platform',
        '--plan',
        '--list',
        '--json',
        '--parallel',
        '2',
        '--terraform-parallelism=30',
      ],
      { apps: ['dev', 'prod'] },
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(options, {
      env: 'dev',
      local: true,
      changed: true,
      stacks: ['dev', 'dev-platform'],
      plan: true,
      list: true,
      json: true,
      parallel: 2,
      terraformParallelism: 30,
      out: undefined,
      help: false,
    });
    const defaults = parseDeployArgs(['--env', 'prod'], { apps: ['prod'] }).options;
    assert.deepEqual([defaults.parallel, defaults.terraformParallelism], [4, undefined]);
  });

  it('reports every usage problem at once, one line each', () => {
    const { problems } = parseDeployArgs(
      [
        ...['--bogus', '--parallel', '0', '--local=yes', 'extra', '--env=nope'],
        ...['--terraform-parallelism', '1001', '--stack'],
      ],
      { apps: ['dev', 'prod'] },
    );
    assert.deepEqual(problems, [
      'unknown option --bogus',
      '--parallel must be an integer from 1 to 64 (got "0")',
      '--local takes no value',
      'unexpected argument "extra"',
      '--terraform-parallelism must be an integer from 1 to 1000 (got "1001")',
      '--stack needs a value',
      '--env nope: no app apps/nope (apps: dev, prod)',
    ]);
    assert.deepEqual(parseDeployArgs([]).problems, ['--env is required']);
  });

  it('exits 2 with one line per problem and no stack trace, before doing anything', () => {
    const res = timed(() => node('deploy.mjs', ['--parallel', 'x', '--what', '--plan']));
    assert.equal(res.status, 2);
    const lines = res.stderr.trim().split('\n');
    assert.deepEqual(lines.slice(0, -1), [
      'deploy: --parallel must be an integer from 1 to 64 (got "x")',
      'deploy: unknown option --what',
      'deploy: --env is required',
    ]);
    assert.match(lines.at(-1), /^usage: npm run deploy -- --env <env>/);
    assert.doesNotMatch(res.stderr, /\n\s+at /);
    assert.equal(res.stdout, '');
    assert.ok(res.seconds < 5, `took ${res.seconds} s`);
  });

  it('refuses an unknown --stack once the app is synthesized, naming the stacks (exit 2)', () => {
    const out = scratch();
    try {
      const res = node('deploy.mjs', ['--env', 'dev', '--stack', 'nope', '--out', out]);
      assert.equal(res.status, 2, res.stderr);
      assert.match(res.stderr, /^deploy: --stack nope: no such stack \(stacks: dev\)$/m);
      assert.doesNotMatch(res.stderr, /\n\s+at /);
      assert.equal(existsSync(join(out, 'cdktf.out', 'stacks', 'dev', '.terraform')), false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('reports a bad config as the app does, exit 1, and writes nothing', () => {
    const dir = scratch();
    try {
      writeFileSync(join(dir, 'bad.yaml'), 'project: x\n');
      const out = join(dir, 'out');
      const res = node('deploy.mjs', ['--env', 'dev', '--out', out], {
        CCB_CONFIG: join(dir, 'bad.yaml'),
      });
      assert.equal(res.status, 1);
      assert.match(res.stderr, /^deploy: synthesizing apps\/dev failed:$/m);
      assert.match(res.stderr, /^ {2}- project: must be 3-24 characters \(got "x"\)$/m);
      assert.doesNotMatch(res.stderr, /\n\s+at /);
      assert.equal(existsSync(out), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('content hash and sidecar', () => {
  it('hashes cdk.tf.json, then reconcile-imports.tf.json when present', () => {
    const dir = scratch();
    try {
      const tf = JSON.stringify({ terraform: { backend: { local: { path: 'x.tfstate' } } } });
      writeFileSync(join(dir, 'cdk.tf.json'), tf);
      const sha = (text) => createHash('sha256').update(text).digest('hex');
      assert.equal(stackHash(dir), sha(tf));
      writeFileSync(join(dir, 'reconcile-imports.tf.json'), '{"import":[]}');
      assert.equal(stackHash(dir), sha(tf + '{"import":[]}'));
      assert.deepEqual(stackBackend(dir), { kind: 'local', path: join(dir, 'x.tfstate') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the S3 backend of a stack, emulator endpoint included', () => {
    const dir = scratch();
    try {
      const s3 = {
        bucket: 'b',
        key: 'p/terraform.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        endpoints: { s3: 'http://127.0.0.1:1' },
      };
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { s3 } } }));
      assert.deepEqual(stackBackend(dir), {
        kind: 's3',
        bucket: 'b',
        key: 'p/terraform.tfstate',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:1',
        encrypt: true,
        kmsKeyId: undefined,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the sidecar beside a local state and reads both back', () => {
    const dir = scratch();
    try {
      const backend = { kind: 'local', path: join(dir, 'terraform.dev.tfstate') };
      const stacks = [{ name: 'dev', backend }];
      assert.deepEqual(readRecords(stacks).get('dev'), { state: undefined, record: undefined });
      writeFileSync(backend.path, JSON.stringify({ version: 4, serial: 7, lineage: 'L-1' }));
      const record = sidecarFor('dev', 'abc', { lineage: 'L-1', serial: 7 }, new Date(0));
      assert.equal(writeSidecar(backend, record), `${backend.path}.deployed.json`);
      assert.deepEqual(JSON.parse(readFileSync(`${backend.path}.deployed.json`, 'utf8')), {
        schemaVersion: 1,
        stack: 'dev',
        configSha256: 'abc',
        stateLineage: 'L-1',
        stateSerial: 7,
        appliedAt: '1970-01-01T00:00:00.000Z',
      });
      assert.deepEqual(readRecords(stacks).get('dev'), {
        state: { lineage: 'L-1', serial: 7 },
        record,
      });
      // A sidecar of another schema is no record.
      writeFileSync(
        `${backend.path}.deployed.json`,
        JSON.stringify({ ...record, schemaVersion: 9 }),
      );
      assert.equal(readRecords(stacks).get('dev').record, undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('selection of the stacks to plan', () => {
  const record = { configSha256: 'h', stateLineage: 'L', stateSerial: 3 };
  const stacks = [
    { name: 'prod-b', dependencies: ['prod'] },
    { name: 'prod', dependencies: [] },
    { name: 'prod-a', dependencies: ['prod'] },
  ];

  it('is unchanged only with the same hash and the state the recorded apply left', () => {
    const state = { lineage: 'L', serial: 3 };
    assert.equal(changeReason({ hash: 'h', record, state }), undefined);
    assert.equal(changeReason({ hash: 'h', record: undefined, state }), 'no deploy record');
    assert.equal(changeReason({ hash: 'x', record, state }), 'configuration changed');
    assert.equal(changeReason({ hash: 'h', record, state: undefined }), 'state missing');
    assert.equal(
      changeReason({ hash: 'h', record, state: { lineage: 'M', serial: 3 } }),
      'state replaced since the recorded apply',
    );
    assert.equal(
      changeReason({ hash: 'h', record, state: { lineage: 'L', serial: 5 } }),
      'state written since the recorded apply (serial 3 -> 5)',
    );
  });

  it('plans every stack, dependencies first, without --changed', () => {
    assert.deepEqual(selectStacks(stacks), {
      planned: [
        { name: 'prod', reason: 'all stacks' },
        { name: 'prod-b', reason: 'all stacks' },
        { name: 'prod-a', reason: 'all stacks' },
      ],
      unchanged: [],
    });
  });

  it('plans a changed shard alone, and a changed environment stack with its shards', () => {
    const shard = selectStacks(stacks, {
      changed: true,
      reasons: new Map([['prod-a', 'configuration changed']]),
    });
    assert.deepEqual(shard.planned, [{ name: 'prod-a', reason: 'configuration changed' }]);
    assert.deepEqual(shard.unchanged, ['prod', 'prod-b']);
    const env = selectStacks(stacks, {
      changed: true,
      reasons: new Map([['prod', 'configuration changed']]),
    });
    assert.deepEqual(env.planned, [
      { name: 'prod', reason: 'configuration changed' },
      { name: 'prod-b', reason: 'depends on prod' },
      { name: 'prod-a', reason: 'depends on prod' },
    ]);
    assert.deepEqual(selectStacks(stacks, { changed: true }).planned, []);
  });

  it('considers only the named stacks with --stack', () => {
    assert.deepEqual(selectStacks(stacks, { only: ['prod-a'] }), {
      planned: [{ name: 'prod-a', reason: 'requested' }],
      unchanged: [],
    });
    const changed = selectStacks(stacks, {
      only: ['prod-a', 'prod-b'],
      changed: true,
      reasons: new Map([['prod', 'configuration changed']]),
    });
    assert.deepEqual(changed, { planned: [], unchanged: ['prod-b', 'prod-a'] });
  });
});

describe('terraform output', () => {
  it('reads the counts of the plan and apply summaries', () => {
    assert.deepEqual(summaryCounts('Plan: 3 to add, 1 to change, 0 to destroy.'), {
      add: 3,
      change: 1,
      destroy: 0,
    });
    assert.deepEqual(summaryCounts('Plan: 2 to import, 0 to add, 4 to change, 1 to destroy.'), {
      add: 0,
      change: 4,
      destroy: 1,
    });
    assert.deepEqual(
      summaryCounts('Apply complete! Resources: 1 imported, 5 added, 0 changed, 2 destroyed.'),
      { add: 5, change: 0, destroy: 2 },
    );
    assert.deepEqual(summaryCounts('No changes. Your infrastructure matches the configuration.'), {
      add: 0,
      change: 0,
      destroy: 0,
    });
    assert.equal(summaryCounts('  # Plan: 1 to add (quoted)'), undefined);
  });

  it('puts the first error on one line', () => {
    const out = [
      '╷',
      '│ Error: creating IAM Role (x): EntityAlreadyExists: Role x exists',
      '│ ',
      '│   with aws_iam_role.x,',
      '│   on cdk.tf.json line 4, in resource.aws_iam_role.x:',
      '╵',
      '╷',
      '│ Error: second',
    ].join('\n');
    assert.equal(
      firstError(out),
      'Error: creating IAM Role (x): EntityAlreadyExists: Role x exists',
    );
    assert.equal(
      firstError('Error: Invalid value\n\nThe given value is not valid.'),
      'Error: Invalid value The given value is not valid.',
    );
  });
});

describe("Terraform's parallelism", () => {
  it('shares the operations in flight among the stacks run at once, at least 4 a stack', () => {
    assert.equal(stackParallelism(1), TF_OPERATIONS);
    assert.equal(stackParallelism(0), TF_OPERATIONS);
    assert.equal(stackParallelism(4), Math.floor(TF_OPERATIONS / 4));
    assert.equal(stackParallelism(1000), 4);
  });
});

describe('scheduler (a stand-in terraform)', () => {
  /**
   * Stacks env <- s1, s2 in a scratch directory and a fake `terraform` on PATH: `init` succeeds,
   * `apply` writes the stack's state (serial 1) and prints Terraform's summary, or fails for the
   * stacks named in FAIL. Every call is appended to calls.log.
   */
  function fixture() {
    const dir = scratch();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'terraform'),
      [
        '#!/bin/sh',
        'name=$(basename "$PWD")',
        'echo "$name $1" >> "$CALLS"',
        'echo "$name $*" >> "$CALLS.args"',
        'if [ "$1" = init ]; then',
        '  case " $FAIL_INIT " in *" $name "*) echo "Error: no init in $name" >&2; exit 1;; esac',
        '  mkdir -p .terraform/providers',
        '  exit 0',
        'fi',
        'case " $NEEDS_INIT " in *" $name "*)',
        '  echo \'Error: Backend initialization required, please run "terraform init"\' >&2; exit 1;;',
        'esac',
        'case " $FAIL " in *" $name "*) echo "Error: boom in $name" >&2; exit 1;; esac',
        'printf \'{"version":4,"serial":1,"lineage":"L-%s"}\' "$name" > "$STATES/terraform.$name.tfstate"',
        '[ "$1" = plan ] && echo "Plan: 1 to add, 0 to change, 0 to destroy." && exit 0',
        'echo "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."',
      ].join('\n'),
    );
    chmodSync(join(bin, 'terraform'), 0o755);
    const stacks = [
      ['env', []],
      ['s1', ['env']],
      ['s2', ['env']],
    ].map(([name, dependencies]) => {
      mkdirSync(join(dir, name));
      const tf = { terraform: { backend: { local: { path: `../terraform.${name}.tfstate` } } } };
      writeFileSync(join(dir, name, 'cdk.tf.json'), JSON.stringify(tf));
      const backend = { kind: 'local', path: join(dir, `terraform.${name}.tfstate`) };
      return { name, dir: join(dir, name), dependencies, backend, hash: `h-${name}` };
    });
    const env = (fail, failInit = '', needsInit = '') => ({
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      CALLS: join(dir, 'calls.log'),
      STATES: dir,
      FAIL: fail,
      FAIL_INIT: failInit,
      NEEDS_INIT: needsInit,
    });
    const calls = () => readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n');
    const sidecars = () => stacks.filter((s) => existsSync(`${s.backend.path}.deployed.json`));
    return { dir, stacks, env, calls, sidecars };
  }

  it('applies the environment stack before its shards and records each apply', async () => {
    const f = fixture();
    try {
      const results = await runStacks(f.stacks, { parallel: 2, env: f.env('') });
      assert.deepEqual(
        results.map((r) => [r.name, r.status, r.add, r.change, r.destroy]),
        [
          ['env', 'applied', 1, 0, 0],
          ['s1', 'applied', 1, 0, 0],
          ['s2', 'applied', 1, 0, 0],
        ],
      );
      assert.deepEqual(f.calls().slice(0, 2), ['env init', 'env apply']);
      assert.equal(f.calls().length, 6);
      // An apply waits for a lock another run holds (a CI plan job, say) instead of failing.
      const args = readFileSync(join(f.dir, 'calls.log.args'), 'utf8').split('\n');
      // Two stacks can run at once: each gets half of the operations in flight.
      const applies = args.filter((l) => / apply /.test(l));
      assert.equal(applies.length, 3);
      assert.ok(applies.every((l) => l.split(' ').includes(`-parallelism=${TF_OPERATIONS / 2}`)));
      assert.ok(
        args.some((l) => l.startsWith('env apply ') && l.split(' ').includes('-lock-timeout=5m')),
        args.join('\n'),
      );
      const record = readRecords([f.stacks[1]]).get('s1').record;
      assert.deepEqual(
        { ...record, appliedAt: undefined },
        {
          schemaVersion: 1,
          stack: 's1',
          configSha256: 'h-s1',
          stateLineage: 'L-s1',
          stateSerial: 1,
          appliedAt: undefined,
        },
      );
      assert.ok(existsSync(join(f.stacks[0].dir, 'deploy.log')));
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('runs init again only when the backend settings, providers or lock file change', async () => {
    const f = fixture();
    try {
      await runStacks(f.stacks, { parallel: 1, env: f.env('') });
      const [env, s1] = f.stacks;
      assert.equal(initialized(env.dir, f.env('')), true);
      // The usual --changed run: the same configuration, so no init.
      const again = await runStacks([env, s1], { parallel: 1, env: f.env('') });
      assert.deepEqual(
        again.map((r) => [r.name, r.init, r.status]),
        [
          ['env', 'skipped', 'applied'],
          ['s1', 'skipped', 'applied'],
        ],
      );
      assert.deepEqual(f.calls().slice(6), ['env apply', 's1 apply']);
      assert.match(readFileSync(join(env.dir, 'deploy.log'), 'utf8'), /terraform init skipped/);
      // Another backend setting (the emulator's address, a bucket), another lock file, or another
      // CLI configuration: init again.
      const tfFile = join(env.dir, 'cdk.tf.json');
      const tf = JSON.parse(readFileSync(tfFile, 'utf8'));
      tf.terraform.backend.local.path = '../elsewhere.tfstate';
      writeFileSync(tfFile, JSON.stringify(tf));
      writeFileSync(join(s1.dir, '.terraform.lock.hcl'), '# another provider version\n');
      assert.equal(initialized(env.dir, f.env('')), false);
      assert.equal(initialized(s1.dir, f.env('')), false);
      const s2 = f.stacks[2];
      assert.equal(initialized(s2.dir, { ...f.env(''), TF_CLI_CONFIG_FILE: '/other.tfrc' }), false);
      await runStacks([env, s1], { parallel: 1, env: f.env('') });
      assert.deepEqual(f.calls().slice(8), ['env init', 'env apply', 's1 init', 's1 apply']);
      // A failed init removes the marker: the configuration it was for, back again, inits again.
      const initializedFor = readFileSync(tfFile, 'utf8');
      tf.terraform.backend.local.path = '../third.tfstate';
      writeFileSync(tfFile, JSON.stringify(tf));
      const [failed] = await runStacks([env], { env: f.env('', 'env') });
      assert.equal(failed.init, 'ran');
      assert.deepEqual(
        [failed.status, failed.reason],
        ['failed', 'terraform init: Error: no init in env'],
      );
      writeFileSync(tfFile, initializedFor);
      assert.equal(initialized(env.dir, f.env('')), false);
      await runStacks([env], { env: f.env(''), terraformParallelism: 7 });
      assert.deepEqual(f.calls().slice(-3), ['env init', 'env init', 'env apply']);
      // --terraform-parallelism overrides the split.
      const lastArgs = readFileSync(join(f.dir, 'calls.log.args'), 'utf8').trim().split('\n');
      assert.ok(lastArgs.at(-1).split(' ').includes('-parallelism=7'), lastArgs.at(-1));
      // What init installed is gone: init again.
      assert.equal(initialized(env.dir, f.env('')), true);
      rmSync(join(env.dir, '.terraform', 'providers'), { recursive: true });
      assert.equal(initialized(env.dir, f.env('')), false);
      await runStacks([env], { env: f.env('') });
      assert.equal(initialized(env.dir, f.env('')), true);
      // TF_DATA_DIR moves Terraform's working data elsewhere: never skipped.
      assert.equal(initialized(env.dir, { ...f.env(''), TF_DATA_DIR: join(f.dir, 'data') }), false);
      // Terraform itself asks for an init (a backend changed outside the key): the next run inits.
      const [asked] = await runStacks([env], { env: f.env('', '', 'env') });
      assert.deepEqual([asked.init, asked.status], ['skipped', 'failed']);
      assert.equal(initialized(env.dir, f.env('')), false);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('skips the dependents of a failed stack and records nothing for them', async () => {
    const f = fixture();
    try {
      const results = await runStacks(f.stacks, { parallel: 4, env: f.env('env') });
      assert.deepEqual(
        results.map((r) => [r.name, r.status, r.reason]),
        [
          ['env', 'failed', 'terraform apply: Error: boom in env'],
          ['s1', 'skipped', 'env failed'],
          ['s2', 'skipped', 'env failed'],
        ],
      );
      assert.deepEqual(f.calls(), ['env init', 'env apply']);
      assert.deepEqual(f.sidecars(), []);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('keeps going past a failed shard; a plan records nothing', async () => {
    const f = fixture();
    try {
      const results = await runStacks(f.stacks, { parallel: 1, env: f.env('s1') });
      assert.deepEqual(
        results.map((r) => r.status),
        ['applied', 'failed', 'applied'],
      );
      assert.deepEqual(
        f.sidecars().map((s) => s.name),
        ['env', 's2'],
      );
      const planned = await runStacks([f.stacks[1]], { plan: true, env: f.env('') });
      assert.deepEqual(
        planned.map((r) => [r.status, r.add]),
        [['planned', 1]],
      );
      assert.equal(existsSync(`${f.stacks[1].backend.path}.deployed.json`), false);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('defers the plan of a shard whose environment stack has no state yet', async () => {
    const f = fixture();
    try {
      // s3 depends on s1, which depends on env: deferred too, so the plan still passes.
      const s3 = { ...f.stacks[1], name: 's3', dependencies: ['s1'] };
      const results = await runStacks([...f.stacks, s3], {
        plan: true,
        env: f.env(''),
        unapplied: new Set(['env']),
      });
      assert.deepEqual(
        results.map((r) => [r.name, r.status, r.reason]),
        [
          ['env', 'planned', null],
          ['s1', 'deferred', 'env not applied yet (its outputs are read from its state)'],
          ['s2', 'deferred', 'env not applied yet (its outputs are read from its state)'],
          ['s3', 'deferred', 's1 deferred'],
        ],
      );
      // Only the environment stack ran Terraform.
      assert.deepEqual(f.calls(), ['env init', 'env plan']);
      // An apply is never deferred: the environment stack goes first and writes its state.
      const applied = await runStacks(f.stacks, { env: f.env(''), unapplied: new Set(['env']) });
      assert.deepEqual(
        applied.map((r) => r.status),
        ['applied', 'applied', 'applied'],
      );
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });
});

// ----------------------------------------------------------------------------- on the emulator

/** The stacks of a deploy's --json answer: name -> [status, add, change, destroy]. */
const statuses = (answer) =>
  Object.fromEntries(
    answer.stacks.map((s) => [
      s.name,
      [s.status, s.add, s.change, s.destroy].filter((v) => v !== null),
    ]),
  );

describe(
  'every environment deploys locally: prod, S3 backend with native lock',
  { concurrency: false },
  () => {
    const bucket = 'acme-terraform-state-111122223333';
    const key = 'claude-code-bedrock/prod/terraform.tfstate';
    // prod's own config, unmodified: S3 backend with native locking, its network section
    // (placeholder VPC and subnets, seeded), budget actions, the guardrail's denied topics, etc.
    const configFile = join(ROOT, 'apps', 'prod', 'config.yaml');
    const config = parse(readFileSync(configFile, 'utf8'));
    const env = () => ({ CCB_EMULATOR_ENDPOINT: ctx.emulator.endpoint, CCB_CONFIG: configFile });
    const deploy = (...args) =>
      timed(() => node('deploy.mjs', ['--env', 'prod', '--local', '--json', ...args], env()));

    before(async () => {
      // One emulator is one account: dev and prod share names (project acme-claude), as they
      // would if both were deployed to one AWS account. Start prod from an empty account.
      const res = await fetch(`${ctx.emulator.endpoint}/moto-api/reset`, { method: 'POST' });
      assert.equal(res.status, 200);
    });

    it('npm start -- --env prod applies it, with its outputs', () => {
      const res = timed(() => node('start.mjs', ['--env', 'prod', '--json'], env()));
      assert.equal(res.status, 0, `npm start failed:\n${res.stderr.slice(-3000)}`);
      const outputs = JSON.parse(res.stdout);
      const developers = Object.keys(outputs.inference_profile_arns.value);
      assert.equal(developers.length, config.developers.length);
      // The Bedrock Runtime endpoint always, plus the ones the config lists.
      assert.deepEqual(
        Object.keys(outputs.vpc_endpoints.value).sort(),
        ['bedrock-runtime', ...config.network.endpoints].sort(),
      );
      // The bucket was created for it, with versioning; the network was there before the apply.
      const versioning = ctx.aws(['s3api', 'get-bucket-versioning', '--bucket', bucket]);
      assert.equal(versioning.Status, 'Enabled');
      // The spend-cap backstop: one budget action per developer, waiting for its threshold.
      const { Actions } = ctx.aws([
        'budgets',
        'describe-budget-actions-for-account',
        '--account-id',
        ACCOUNT,
      ]);
      assert.equal(Actions.length, config.developers.length);
      assert.ok(
        Actions.every((a) => a.Status === 'STANDBY' && a.ActionType === 'APPLY_IAM_POLICY'),
      );
      // The guardrail denies prod's topics.
      const [guardrail] = ctx.aws(['bedrock', 'list-guardrails']).guardrails;
      const { topicPolicy } = ctx.aws([
        'bedrock',
        'get-guardrail',
        '--guardrail-identifier',
        guardrail.id,
      ]);
      assert.deepEqual(
        topicPolicy.topics,
        config.budgets.guardrail.deniedTopics.map((t) => ({ ...t, examples: [], type: 'DENY' })),
      );
      const subnets = ctx.aws([
        'ec2',
        'describe-subnets',
        '--subnet-ids',
        ...config.network.subnetIds,
      ]);
      assert.deepEqual(
        subnets.Subnets.map((s) => s.VpcId),
        [config.network.vpcId, config.network.vpcId],
      );
      console.error(`  npm start -- --env prod (build, synth, apply): ${res.seconds.toFixed(1)} s`);
    });

    it('npm run deploy -- --env prod --local: the same deployment, so --changed is a no-op', () => {
      // npm start applied through the deploy core and recorded it in the emulated bucket.
      const again = deploy('--changed');
      assert.equal(again.status, 0, again.stderr);
      assert.deepEqual(statuses(JSON.parse(again.stdout)), { prod: ['unchanged'] });
      assert.ok(again.seconds < 30, `--changed took ${again.seconds} s`);
      console.error(`  prod --local: --changed no-op ${again.seconds.toFixed(1)} s`);
    });

    it('keeps the state and its sidecar in the emulated bucket, and releases the lock', () => {
      const listed = ctx.aws([
        's3api',
        'list-object-versions',
        '--bucket',
        bucket,
        '--prefix',
        key,
      ]);
      const current = (listed.Versions ?? []).filter((v) => v.IsLatest).map((v) => v.Key);
      assert.deepEqual(current.sort(), [key, `${key}.deployed.json`]);
      // The apply took the lock (a version of <key>.tflock) and released it (a delete marker).
      const lock = `${key}.tflock`;
      const locks = (listed.Versions ?? []).filter((v) => v.Key === lock).length;
      const released = (listed.DeleteMarkers ?? []).filter((m) => m.Key === lock);
      assert.ok(locks >= 1, `lock taken ${locks} time(s)`);
      assert.equal(released.length, locks);
      assert.ok(released.some((m) => m.IsLatest));
      const sidecarFile = join(ctx.WORK, 'sidecar.json');
      ctx.aws([
        's3api',
        'get-object',
        '--bucket',
        bucket,
        '--key',
        `${key}.deployed.json`,
        sidecarFile,
      ]);
      const sidecar = JSON.parse(readFileSync(sidecarFile, 'utf8'));
      assert.equal(sidecar.stack, 'prod');
      const stackDir = join(ROOT, 'out', 'local', 'prod', 'cdktf.out', 'stacks', 'prod');
      assert.equal(sidecar.configSha256, stackHash(stackDir));
    });
  },
);
