// Helpers shared by the project's scripts (synth, validate, start, bench, onboarding).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The Terraform environment (CLI config, quiet provider logs, no prompts): shared with the tests.
import { TF_CLI_CONFIG, quietProviderLogs, terraformEnv } from './terraform-env.cjs';
import { AWS_CLI_SERVER_ENV, warmAws } from './aws-cli.mjs';

export { TF_CLI_CONFIG, quietProviderLogs, terraformEnv };

/** Environment apps (directories under apps/ with a cdktf.json). */
export function listApps() {
  return listCdktfApps('apps');
}

/** Examples (directories under examples/ with a cdktf.json): one complete stack per scenario. */
export function listExamples() {
  return listCdktfApps('examples');
}

function listCdktfApps(parent) {
  if (!existsSync(join(ROOT, parent))) return [];
  return readdirSync(join(ROOT, parent))
    .filter((name) => existsSync(join(ROOT, parent, name, 'cdktf.json')))
    .sort();
}

/**
 * Runs a command, inheriting stdio unless `capture`; returns { status, stdout, stderr }. A captured
 * `aws` call without input goes to the warm aws CLI when the environment names one
 * (CCB_AWS_CLI_SERVER, see aws-cli.mjs): the same CLI code, without a new Python process.
 */
export function run(cmd, args, { cwd = ROOT, env = process.env, capture = false, input } = {}) {
  if (cmd === 'aws' && capture && input === undefined && env[AWS_CLI_SERVER_ENV]) {
    const warm = warmAws(env[AWS_CLI_SERVER_ENV], args, { env, cwd });
    if (warm) return warm;
  }
  const res = spawnSync(cmd, args, {
    cwd,
    env,
    input,
    encoding: 'utf8',
    stdio: capture ? ['pipe', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    maxBuffer: 512 * 1024 * 1024,
  });
  if (res.error) throw res.error;
  return { status: res.status ?? 1, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
}

/** Runs a command and throws (with its output) when it fails. */
export function must(cmd, args, opts = {}) {
  const res = run(cmd, args, { ...opts, capture: true });
  if (res.status !== 0) {
    const err = new Error(
      `${cmd} ${args.join(' ')} failed (exit ${res.status}) in ${opts.cwd ?? ROOT}\n${res.stdout}${res.stderr}`,
    );
    err.result = res;
    throw err;
  }
  return res;
}

/**
 * Builds every workspace (`npm run build`, scripts/build.mjs: one `tsc -b`, a no-op in about a
 * second when nothing changed); throws with its output when a compile fails.
 */
export function buildWorkspaces() {
  return must(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
}

/**
 * Synthesizes one app (its compiled dist/main.js) into `outdir` and returns the stack directory
 * holding cdk.tf.json. `env` can set CCB_CONFIG / CCB_TARGET / CCB_EMULATOR_ENDPOINT.
 */
export function synthApp(app, { outdir = join(ROOT, 'apps', app, 'cdktf.out'), env = {} } = {}) {
  return synthDirectory(join(ROOT, 'apps', app), { outdir, env, cwd: ROOT });
}

/**
 * Synthesizes the cdktf app in `dir` (its compiled dist/main.js, run from `cwd`, by default `dir`
 * as `cdktf synth` does) into `outdir` and returns its stack directories.
 */
export function synthDirectory(dir, { outdir = join(dir, 'cdktf.out'), env = {}, cwd = dir } = {}) {
  const main = join(dir, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run 'npm run build' first`);
  must('node', [main], { cwd, env: { ...process.env, CDKTF_OUTDIR: outdir, ...env } });
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.values(manifest.stacks);
  return stacks.map((s) => join(outdir, dirname(s.synthesizedStackPath)));
}

/** Counts resources (and data sources) by type in a cdk.tf.json. */
export function summarize(stackDir) {
  const tf = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  // Resource instances: a for_each resource counts once per key (its map may live in a local).
  const instances = (r) => {
    if (!r.for_each) return 1;
    const local = /^\$\{local\.([\w-]+)\}$/.exec(r.for_each)?.[1];
    return Object.keys(local ? (tf.locals?.[local] ?? {}) : r.for_each).length;
  };
  const count = (block) =>
    Object.fromEntries(
      Object.entries(block ?? {}).map(([type, byName]) => [
        type,
        Object.values(byName).reduce((n, r) => n + instances(r), 0),
      ]),
    );
  const resources = count(tf.resource);
  return {
    resources,
    resourceTotal: Object.values(resources).reduce((a, b) => a + b, 0),
    dataSources: count(tf.data),
    outputs: Object.keys(tf.output ?? {}),
    backend: Object.keys(tf.terraform?.backend ?? {})[0] ?? 'local',
  };
}

/**
 * Merges the `terraform output -json` of an environment's stacks (the environment stack first,
 * then the team shards of `allocation.shardBy: team`) into one object of the same shape. Map
 * outputs are merged key by key (a key present in two stacks is an error: each developer lives in
 * one shard), list outputs are concatenated, and any other output must be equal in every stack
 * that has it.
 */
export function mergeOutputs(outputsByStack) {
  const isMap = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const merged = {};
  for (const [stack, outputs] of outputsByStack) {
    for (const [name, output] of Object.entries(outputs)) {
      const prev = merged[name];
      if (!prev) {
        merged[name] = structuredClone(output);
        continue;
      }
      if (isMap(prev.value) && isMap(output.value)) {
        const twice = Object.keys(output.value).filter((k) => Object.hasOwn(prev.value, k));
        if (twice.length > 0) {
          throw new Error(`output ${name}: ${twice.join(', ')} also in another stack (${stack})`);
        }
        Object.assign(prev.value, structuredClone(output.value));
      } else if (Array.isArray(prev.value) && Array.isArray(output.value)) {
        prev.value.push(...structuredClone(output.value));
      } else if (JSON.stringify(prev.value) !== JSON.stringify(output.value)) {
        throw new Error(`output ${name} differs between stacks (${stack})`);
      }
    }
  }
  return merged;
}

/**
 * The stacks of a synthesized app (`<outdir>/manifest.json`): `[name, directory]` pairs, stacks
 * that others depend on (the environment stack) before their dependents (the team shards).
 */
export function appStacks(outdir) {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  return Object.values(manifest.stacks)
    .sort(
      (a, b) =>
        (a.dependencies?.length ?? 0) - (b.dependencies?.length ?? 0) || (a.name < b.name ? -1 : 1),
    )
    .map((s) => [s.name, join(outdir, s.workingDirectory)]);
}

/**
 * The applied outputs of every stack of an environment, merged (see `mergeOutputs`). Stacks not
 * initialised or applied yet are listed in `missing`.
 */
export function environmentOutputs(outdir, env = terraformEnv()) {
  const found = [];
  const missing = [];
  for (const [name, dir] of appStacks(outdir)) {
    const res = existsSync(join(dir, '.terraform'))
      ? run('terraform', ['output', '-json'], { cwd: dir, env, capture: true })
      : { status: 1, stdout: '' };
    const outputs = res.status === 0 ? JSON.parse(res.stdout || '{}') : {};
    if (Object.keys(outputs).length === 0) missing.push(name);
    else found.push([name, outputs]);
  }
  return { outputs: mergeOutputs(found), stacks: found.map(([n]) => n), missing };
}

/**
 * Runs `aws <args>` and returns the spawn result (stdout and stderr captured). With an `endpoint`
 * it talks to the emulator there, leaving the caller's own AWS settings (profile, keys, region)
 * out and signing with the emulator's root key `test`, or with `credentials` ({ AccessKeyId,
 * SecretAccessKey, SessionToken? }); without one, real AWS under the caller's credential chain.
 * `region` (`--region`) sends the calls to the deployment's region, whatever the caller's profile
 * defaults to.
 */
export function awsCommand(args, { endpoint, credentials, region } = {}) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !endpoint || !k.startsWith('AWS_')),
  );
  if (endpoint) {
    Object.assign(env, {
      AWS_ACCESS_KEY_ID: credentials?.AccessKeyId ?? 'test',
      AWS_SECRET_ACCESS_KEY: credentials?.SecretAccessKey ?? 'test',
      ...(credentials?.SessionToken ? { AWS_SESSION_TOKEN: credentials.SessionToken } : {}),
      AWS_DEFAULT_REGION: 'us-east-1',
    });
  }
  env.AWS_PAGER = '';
  return run(
    'aws',
    [
      ...args,
      ...(region ? ['--region', region] : []),
      ...(endpoint ? ['--endpoint-url', endpoint] : []),
    ],
    {
      env,
      capture: true,
    },
  );
}

/**
 * Runs the aws CLI against the emulator at `endpoint` (see {@link awsCommand}; `undefined`: real
 * AWS) and returns its JSON output (`{}` when it prints nothing). A failure throws an error whose
 * message is the command and its last stderr line (`stderr` holds all of it), or returns
 * undefined with `allowFailure`.
 */
export function emulatorAws(endpoint, args, { credentials, region, allowFailure = false } = {}) {
  const res = awsCommand([...args, '--output', 'json'], { endpoint, credentials, region });
  if (res.status !== 0) {
    if (allowFailure) return undefined;
    const err = new Error(
      `aws ${args.slice(0, 2).join(' ')}: ${res.stderr.trim().split('\n').pop()}`,
    );
    err.stderr = res.stderr;
    throw err;
  }
  return res.stdout.trim() ? JSON.parse(res.stdout) : {};
}

/**
 * A command's `aws ... --output json` function, `(args) => parsed output`, over {@link emulatorAws}
 * (`endpoint` undefined: real AWS; `region`: `--region`), whose failures become the command's
 * one-line error, `toError(message)`.
 */
export function awsJsonClient(endpoint, { region, toError }) {
  return (args) => {
    try {
      return emulatorAws(endpoint, args, { region });
    } catch (err) {
      throw toError(err.message);
    }
  };
}

/** The emulated organization's management account (the deployed account is a member of it). */
export const EMULATOR_MANAGEMENT_ACCOUNT = '111111111111';

/**
 * Puts the deployed account (the emulator's `test` credentials, 123456789012) into an organization
 * whose management account is {@link EMULATOR_MANAGEMENT_ACCOUNT}, and attaches an SCP document to
 * its root, as a platform team does with the stack's `scp_policy_json` output in its management
 * account. SCPs never apply to the management account itself, so the deployed account joins as an
 * invited member. Idempotent: the policy named `name` is created or updated.
 */
export function attachScp(endpoint, name, document) {
  const aws = (args, opts) => emulatorAws(endpoint, args, opts);
  // The platform team, signed in to the management account.
  const management = aws([
    'sts',
    'assume-role',
    '--role-arn',
    `arn:aws:iam::${EMULATOR_MANAGEMENT_ACCOUNT}:role/OrganizationAccountAccessRole`,
    '--role-session-name',
    'platform-team',
  ]).Credentials;
  const org = (args, opts = {}) =>
    aws(['organizations', ...args], { credentials: management, ...opts });
  if (!org(['describe-organization'], { allowFailure: true })) {
    org(['create-organization', '--feature-set', 'ALL']);
  }
  const root = org(['list-roots']).Roots[0];
  if (
    !root.PolicyTypes?.some((t) => t.Type === 'SERVICE_CONTROL_POLICY' && t.Status === 'ENABLED')
  ) {
    org(['enable-policy-type', '--root-id', root.Id, '--policy-type', 'SERVICE_CONTROL_POLICY']);
  }
  const member = aws(['sts', 'get-caller-identity']).Account;
  if (!org(['list-accounts']).Accounts.some((a) => a.Id === member)) {
    const handshake = org([
      'invite-account-to-organization',
      '--target',
      `Id=${member},Type=ACCOUNT`,
    ]).Handshake;
    aws(['organizations', 'accept-handshake', '--handshake-id', handshake.Id]);
  }
  const content = typeof document === 'string' ? document : JSON.stringify(document);
  const existing = org(['list-policies', '--filter', 'SERVICE_CONTROL_POLICY']).Policies.find(
    (p) => p.Name === name,
  );
  const policyId = existing
    ? org(['update-policy', '--policy-id', existing.Id, '--content', content]).Policy.PolicySummary
        .Id
    : org([
        'create-policy',
        '--name',
        name,
        '--type',
        'SERVICE_CONTROL_POLICY',
        '--description',
        'claude-code-bedrock SCP (scp_policy_json)',
        '--content',
        content,
      ]).Policy.PolicySummary.Id;
  const attached = org(['list-targets-for-policy', '--policy-id', policyId]).Targets.some(
    (t) => t.TargetId === root.Id,
  );
  if (!attached) org(['attach-policy', '--policy-id', policyId, '--target-id', root.Id]);
  return policyId;
}
