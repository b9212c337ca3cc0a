#!/usr/bin/env node
// Runs the real Claude Code CLI as one developer against the local deployment of an environment.
//
//   npm run claude -- --env <env> --developer <id> [--via endpoint|public] [-- <claude args>]
//
// It uses the deployment left by `npm start -- --keep` (or makes one), provisions the developer's
// own identity in the emulator the way the platform's identity source would (an IAM user tagged
// User=<id> for IAM-principal access), writes that developer's onboarding files into a private
// HOME (`out/local/<env>/home/<slug>`: ~/.claude/settings.json, ~/.aws/config and credentials),
// and runs the pinned Claude Code (tools/claude-code, installed on first use) with the remaining
// arguments, verbatim. Only endpoints differ from a real laptop: Bedrock
// (ANTHROPIC_BEDROCK_BASE_URL) and STS (AWS_ENDPOINT_URL_STS, for the credential command) point at
// the emulator. `--via endpoint` (the default when the deployment has a Bedrock Runtime VPC
// endpoint: a developer on the VPN with private DNS reaches it under the normal host name) uses
// the emulator's listener for that endpoint, whose calls carry aws:SourceVpce; `--via public` the
// public runtime address. Exits with Claude Code's exit code; 2 on bad usage or an unknown developer.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ROOT, awsJsonClient, buildWorkspaces, run } from './lib.mjs';
import {
  deployedOutputs,
  localDeploymentDir,
  onboardingFiles,
  packages,
} from './onboarding-files.mjs';

export const CLAUDE_DIR = join(ROOT, 'tools', 'claude-code');
const USAGE =
  'usage: npm run claude -- --env <env> --developer <id> [--via endpoint|public] [-- <claude args>]';
const VIA = ['endpoint', 'public'];

/** A failure with a one-line message and an exit code (2: usage, 1: anything else). */
export class ClaudeRunError extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

/** The pinned Claude Code binary (the platform package's native executable), installed on demand. */
export function claudeBinary({ install = true } = {}) {
  const musl =
    process.platform === 'linux' && !process.report?.getReport?.().header?.glibcVersionRuntime;
  const pkg = `@anthropic-ai/claude-code-${process.platform}-${process.arch}${musl ? '-musl' : ''}`;
  const bin = join(
    CLAUDE_DIR,
    'node_modules',
    pkg,
    process.platform === 'win32' ? 'claude.exe' : 'claude',
  );
  if (!existsSync(bin) && install) {
    console.error(`▶ installing the pinned Claude Code into tools/claude-code (first use)`);
    const res = run(
      'npm',
      ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
      {
        cwd: CLAUDE_DIR,
        capture: true,
      },
    );
    if (res.status !== 0) {
      throw new ClaudeRunError(
        `installing Claude Code failed: ${res.stderr.trim().split('\n').pop()}`,
      );
    }
  }
  if (!existsSync(bin))
    throw new ClaudeRunError(`no Claude Code binary for this platform (${pkg})`);
  return bin;
}

/** The environment without the caller's AWS, Anthropic and Claude Code settings. */
function withoutAwsSettings(env) {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([k]) => !/^(AWS_|ANTHROPIC_|CLAUDE_|CLAUDECODE|CCB_AWS_CLI_SERVER$)/.test(k),
    ),
  );
}

/** `aws ... --output json` on the emulator, its failures as one-line errors of this command. */
function awsCli(endpoint, args) {
  return awsJsonClient(endpoint, { toError: (message) => new ClaudeRunError(message) })(args);
}

/**
 * The developer's own identity, as the company's identity source would hold it, created once in
 * the emulator and kept in `<home>/.aws/credentials`:
 * - `assumeRole`: an IAM user tagged User=<id>, allowed to assume the developer role (the role's
 *   trust policy lets it tag the session only with its own User tag);
 * - `iamUser`: an IAM user named after the id, in a group with the developer policy attached.
 * Returns the profile name and keys.
 */
function provisionIdentity({ endpoint, config, dev, outputs, source, home }) {
  const credentialsFile = join(home, '.aws', 'credentials');
  const profile =
    source === 'assumeRole' ? config.claudeCode.sourceProfile : config.claudeCode.awsProfile;
  const userName = source === 'assumeRole' ? `developer-${dev.slug}` : dev.id;
  const roleArn = outputs.developer_role_arn.value;
  const exists = (() => {
    try {
      awsCli(endpoint, ['iam', 'get-user', '--user-name', userName]);
      return true;
    } catch {
      return false;
    }
  })();
  if (exists && existsSync(credentialsFile)) return;
  if (exists) {
    // A home made afresh for a user that already exists: a new key, after deleting the oldest
    // when the user has the two IAM allows (another home may still use the newer one).
    const { AccessKeyMetadata } = awsCli(endpoint, [
      'iam',
      'list-access-keys',
      '--user-name',
      userName,
    ]);
    const oldest = [...AccessKeyMetadata]
      .sort((a, b) => String(a.CreateDate).localeCompare(String(b.CreateDate)))
      .slice(0, AccessKeyMetadata.length >= 2 ? AccessKeyMetadata.length - 1 : 0);
    for (const key of oldest) {
      awsCli(endpoint, [
        'iam',
        'delete-access-key',
        '--user-name',
        userName,
        '--access-key-id',
        key.AccessKeyId,
      ]);
    }
  } else {
    awsCli(endpoint, [
      'iam',
      'create-user',
      '--user-name',
      userName,
      '--path',
      '/developers/',
      '--tags',
      `Key=User,Value=${dev.id}`,
      `Key=Team,Value=${dev.team}`,
    ]);
  }
  if (source === 'assumeRole') {
    awsCli(endpoint, [
      'iam',
      'put-user-policy',
      '--user-name',
      userName,
      '--policy-name',
      'assume-developer-role',
      '--policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: roleArn },
        ],
      }),
    ]);
  } else {
    const group = `${config.project}-developers`;
    // The developer policy is the managed policy attached to the developer role.
    const [policyArn] = awsCli(endpoint, [
      'iam',
      'list-attached-role-policies',
      '--role-name',
      roleArn.split('/').pop(),
    ]).AttachedPolicies.map((a) => a.PolicyArn);
    try {
      awsCli(endpoint, ['iam', 'create-group', '--group-name', group]);
      awsCli(endpoint, [
        'iam',
        'attach-group-policy',
        '--group-name',
        group,
        '--policy-arn',
        policyArn,
      ]);
    } catch (err) {
      if (!/EntityAlreadyExists/.test(err.message)) throw err;
    }
    awsCli(endpoint, ['iam', 'add-user-to-group', '--group-name', group, '--user-name', userName]);
  }
  const { AccessKey } = awsCli(endpoint, ['iam', 'create-access-key', '--user-name', userName]);
  const section = profile === 'default' ? '[default]' : `[${profile}]`;
  writeFileSync(
    credentialsFile,
    `${section}\naws_access_key_id = ${AccessKey.AccessKeyId}\naws_secret_access_key = ${AccessKey.SecretAccessKey}\n`,
    { mode: 0o600 },
  );
}

/** The running local emulator with the environment deployed, made by `npm start -- --keep` if need be. */
async function localDeployment(env, { deploy = true } = {}) {
  const { backgroundStatus } = await import('./emulator.mjs');
  let state = await backgroundStatus();
  let { outputs } = state ? deployedOutputs(env, { local: true }) : { outputs: undefined };
  const deployed = () => {
    try {
      awsCli(state.endpoint, [
        'iam',
        'get-role',
        '--role-name',
        outputs.developer_role_arn.value.split('/').pop(),
      ]);
      return true;
    } catch {
      return false;
    }
  };
  if (!state || !outputs || !deployed()) {
    if (!deploy)
      throw new ClaudeRunError(
        `'${env}' is not deployed locally: run 'npm start -- --env ${env} --keep'`,
      );
    console.error(`▶ no local deployment of '${env}': running 'npm start -- --env ${env} --keep'`);
    const res = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'start.mjs'), '--env', env, '--keep', '--quiet'],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    if (res.status !== 0) throw new ClaudeRunError(`npm start -- --env ${env} --keep failed`);
    state = await backgroundStatus();
    ({ outputs } = deployedOutputs(env, { local: true }));
    if (!state || !outputs)
      throw new ClaudeRunError(`the local deployment of '${env}' did not come up`);
  }
  if (!state.runtimeEndpoint) {
    throw new ClaudeRunError(
      'the running emulator has no Bedrock runtime endpoint: restart it (npm run emulator -- stop)',
    );
  }
  return { state, outputs };
}

/** A usage error unless `via` is absent, `endpoint` or `public`. */
function checkVia(via) {
  if (via !== undefined && !VIA.includes(via)) {
    throw new ClaudeRunError(`--via must be endpoint or public, got '${via}'\n${USAGE}`, 2);
  }
}

/** The id of the deployment's Bedrock Runtime interface endpoint (output `vpc_endpoints`), if any. */
export function runtimeEndpointId(outputs) {
  return outputs?.vpc_endpoints?.value?.['bedrock-runtime']?.id ?? undefined;
}

/**
 * The Bedrock base URL Claude Code uses: the emulator's public runtime address (`via` public) or
 * the listener that stands in for the deployment's Bedrock Runtime VPC endpoint (`via` endpoint,
 * from `GET /_emulator/vpc-endpoints`). `via` defaults to endpoint when the deployment has one.
 * Resolves `{ via, url, vpcEndpointId? }`; a ClaudeRunError with one line when it cannot.
 */
export async function bedrockBaseUrl({ env, outputs, emulator, via }) {
  checkVia(via);
  const vpcEndpointId = runtimeEndpointId(outputs);
  const chosen = via ?? (vpcEndpointId ? 'endpoint' : 'public');
  if (chosen === 'public') return { via: chosen, url: emulator.runtimeEndpoint };
  if (!vpcEndpointId) {
    throw new ClaudeRunError(
      `--via endpoint: the deployment of '${env}' has no Bedrock Runtime VPC endpoint (set network in its config, or use --via public)`,
      2,
    );
  }
  let listed;
  try {
    const res = await fetch(`${emulator.endpoint}/_emulator/vpc-endpoints`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    listed = await res.json();
  } catch (err) {
    throw new ClaudeRunError(`cannot list the emulator's VPC endpoints: ${err.message}`);
  }
  const found = listed.find((e) => e.vpcEndpointId === vpcEndpointId);
  if (!found) {
    throw new ClaudeRunError(
      `the emulator has no listener for VPC endpoint ${vpcEndpointId} of '${env}': redeploy with 'npm start -- --env ${env} --keep'`,
    );
  }
  return { via: chosen, url: found.endpoint, vpcEndpointId };
}

/** The resolved developer `id` of `config`, or a usage error naming the known ids. */
export function findDeveloper(config, env, id) {
  const developers = packages().core.resolveDevelopers(config);
  const dev = developers.find((d) => d.id === id);
  if (!dev) {
    throw new ClaudeRunError(
      `unknown developer '${id}' in ${env}; one of: ${developers.map((d) => d.id).join(', ')}`,
      2,
    );
  }
  return dev;
}

/**
 * Prepares the developer's HOME and returns how to run Claude Code as them:
 * `{ bin, home, env }`. `emulator` is `{ endpoint, runtimeEndpoint }`; `outputs` the applied
 * outputs of the environment.
 */
export function prepareDeveloper({ env, developerId, config, outputs, emulator, homeRoot }) {
  const { stack } = packages();
  const dev = findDeveloper(config, env, developerId);
  const source = stack.credentialSource(config);
  if (source !== 'assumeRole' && source !== 'iamUser') {
    throw new ClaudeRunError(
      `'${env}' signs developers in through ${source === 'identityCenter' ? 'IAM Identity Center' : 'a SAML/OIDC identity provider'}, which the local emulator cannot stand in for; npm run claude supports IAM-principal and IAM-user access`,
      2,
    );
  }
  const home = join(homeRoot ?? join(localDeploymentDir(env), 'home'), dev.slug);
  // The home holds the developer's keys: private to the user running it.
  mkdirSync(join(home, '.claude'), { recursive: true, mode: 0o700 });
  mkdirSync(join(home, '.aws'), { recursive: true, mode: 0o700 });
  const { files } = onboardingFiles(config, outputs);
  const mine = (name) =>
    files.find((f) => f.developer?.id === dev.id && f.path.endsWith(name)).content;
  writeFileSync(join(home, '.claude', 'settings.json'), mine('settings.json'));
  writeFileSync(join(home, '.aws', 'config'), mine('aws-config'));
  provisionIdentity({ endpoint: emulator.endpoint, config, dev, outputs, source, home });

  const passthrough = withoutAwsSettings(process.env);
  return {
    bin: claudeBinary(),
    home,
    developer: dev,
    env: {
      ...passthrough,
      HOME: home,
      // The only differences from a developer's laptop: where Bedrock and STS are.
      ANTHROPIC_BEDROCK_BASE_URL: emulator.runtimeEndpoint,
      AWS_ENDPOINT_URL_STS: emulator.endpoint,
      // Offline: no telemetry, update checks or other non-essential traffic.
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
    },
  };
}

/** Runs Claude Code; resolves `{ code, stdout?, stderr? }` (captured when `capture`). */
export function runClaude(
  { bin, env, cwd },
  args,
  { capture = false, extraEnv = {}, timeoutMs, forwardSignals = false } = {},
) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: cwd ?? env.HOME,
      env: { ...env, ...extraEnv },
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', reject);
    // Ctrl-C reaches Claude Code through the terminal; this process waits for its exit code.
    const signals = forwardSignals ? ['SIGINT', 'SIGTERM', 'SIGHUP'] : [];
    const forward = (sig) => child.kill(sig);
    for (const sig of signals) process.on(sig, forward);
    child.on('close', (code, signal) => {
      for (const sig of signals) process.off(sig, forward);
      const fromSignal = signal ? 128 + (osConstants.signals[signal] ?? 0) : 1;
      resolve({ code: code ?? fromSignal, signal, stdout, stderr });
    });
  });
}

async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { env: { type: 'string' }, developer: { type: 'string' }, via: { type: 'string' } },
      allowPositionals: true,
    });
  } catch (err) {
    throw new ClaudeRunError(`${err.message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (!values.env || !values.developer) throw new ClaudeRunError(USAGE, 2);
  checkVia(values.via); // before anything is built or deployed
  const appDir = join(ROOT, 'apps', values.env);
  if (!existsSync(join(appDir, 'cdktf.json')))
    throw new ClaudeRunError(`no environment app apps/${values.env}`, 2);
  // Build first (a no-op when nothing changed); its report is shown only when it fails, so the
  // output is Claude Code's alone.
  try {
    buildWorkspaces();
  } catch (err) {
    const said = err.result ? `${err.result.stdout}${err.result.stderr}` : err.message;
    throw new ClaudeRunError(`npm run build failed:\n${said}`);
  }
  const { core } = packages();
  let config;
  try {
    config = core.loadConfigFile(process.env.CCB_CONFIG ?? join(appDir, 'config.yaml'));
  } catch (err) {
    throw new ClaudeRunError(err.message, 1);
  }
  // Validate the developer before anything is started or deployed.
  findDeveloper(config, values.env, values.developer);
  const { state, outputs } = await localDeployment(values.env);
  const { url } = await bedrockBaseUrl({
    env: values.env,
    outputs,
    emulator: state,
    via: values.via,
  });
  const developer = prepareDeveloper({
    env: values.env,
    developerId: values.developer,
    config,
    outputs,
    emulator: { ...state, runtimeEndpoint: url },
  });
  // `npm run` starts scripts in the repository root; Claude Code works where the user is.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const { code } = await runClaude({ ...developer, cwd }, positionals, { forwardSignals: true });
  return code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof ClaudeRunError ? err.message : (err.stack ?? String(err)));
      process.exit(err instanceof ClaudeRunError ? err.code : 1);
    },
  );
}
