// A developer really uses it: the real Claude Code CLI (pinned in tools/claude-code) runs as each
// developer of the dev config against the dev environment deployed on the emulator, through the
// emulator's Bedrock data plane (SigV4, IAM evaluated by iam-simulate, invocation logging).
// Asserts what the developer sees, what IAM allowed and refused, and what the logs recorded.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ROOT, attachScp, must, run } from '../lib.mjs';
import { main as capsMain } from '../caps.mjs';
import { claudeBinary, prepareDeveloper, runClaude } from '../claude.mjs';
import { deployedOutputs, onboardingFiles, packages } from '../onboarding-files.mjs';
import { reportTests } from './claude-code-report.mjs';
import { ACCOUNT, baseConfig, e2e } from './e2e.mjs';

const require = createRequire(import.meta.url);
const { evaluateLogsInsights, applyMetricFilter } = require(
  join(ROOT, 'packages/testing/dist/index.js'),
);

// The data plane logs one line per request to the emulator log (read below).
process.env.CCB_EMULATOR_RUNTIME_LOG = '1';
const ctx = e2e('claude');
// A refused call is retried with fresh credentials by Claude Code (up to 11 attempts, about 4 minutes of
// backoff, when awsCredentialExport returns a new session each time); one retry is enough to
// observe the refusal.
const ONE_RETRY = { CLAUDE_CODE_MAX_RETRIES: '1' };
const REPLY = 'Hello from the local Bedrock stand-in.';
const SESSION_ROLE = `arn:aws:sts::${ACCOUNT}:assumed-role/acme-claude-developer`;
// The spend-capped developer: the first run of `claude -p` writes the prompt cache (~0.08 USD at
// the stand-in's token counts), later runs read it (~0.007 USD), so the cap is crossed on a later run.
const CAPPED = 'erin.capped@example.com';
const CAP_USD = 0.1;

describe('Claude Code on the emulator, as each developer', { concurrency: false }, () => {
  let outputs;
  let config;
  let stackDir;
  let instanceArn; // the emulator's IAM Identity Center instance
  const results = {}; // developer id -> Claude's JSON result

  /** The developer's HOME and environment, as `npm run claude` prepares them, under `home`. */
  const prepare = (developerId, home = 'home') =>
    prepareDeveloper({
      env: 'dev',
      developerId,
      config,
      outputs,
      emulator: ctx.emulator,
      homeRoot: join(ctx.WORK, home),
    });

  /** Runs `claude <args>` as the developer. */
  const claude = (developerId, args, { extraEnv } = {}) =>
    runClaude(prepare(developerId), args, { capture: true, extraEnv, timeoutMs: 90_000 });

  before(async () => {
    claudeBinary(); // install the pinned CLI before timing anything else
    instanceArn = ctx.aws(['sso-admin', 'list-instances']).Instances[0].InstanceArn;
    // The dev config, plus an Identity Center permission set (its policy is the developer role's).
    const testConfig = {
      ...baseConfig,
      // Cost-allocation tags active, so the emulator's bill groups by User and Team (npm run report --billed).
      attribution: {
        ...baseConfig.attribution,
        identityCenterInstanceArn: instanceArn,
        activateCostAllocationTags: true,
      },
      // One more developer, with a cap of a few cents, for the spend-cap tests at the end.
      developers: [
        ...baseConfig.developers,
        { id: CAPPED, team: 'platform', monthlyBudgetUsd: CAP_USD },
      ],
    };
    const dir = join(ctx.WORK, 'main');
    stackDir = ctx.synth(dir, testConfig);
    must('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env: ctx.tfEnv });
    ctx.apply(stackDir);
    outputs = JSON.parse(ctx.tf(stackDir, ['output', '-json']).stdout);
    attachScp(ctx.emulator.endpoint, 'claude-code-bedrock-dev', outputs.scp_policy_json.value);
    config = packages().core.validateConfig(testConfig);
  });

  it('npm run claude refuses bad usage and an unknown developer: one line, exit 2', () => {
    const cli = (args) =>
      spawnSync(process.execPath, [join(ROOT, 'scripts', 'claude.mjs'), ...args], {
        encoding: 'utf8',
      });
    const unknown = cli(['--env', 'dev', '--developer', 'nobody', '--', '-p', 'hi']);
    assert.equal(unknown.status, 2);
    assert.equal(
      unknown.stderr.trim(),
      "unknown developer 'nobody' in dev; one of: jane.doe@example.com, bob.smith, Carol+ML@example.com, dave.o-neil",
    );
    const usage = cli(['--env', 'dev']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^usage: npm run claude -- --env <env> --developer <id>/);
    assert.doesNotMatch(usage.stderr + unknown.stderr, /\n\s+at /); // no stack trace
  });

  it('onboarding finds the applied outputs of a local deployment', () => {
    const found = deployedOutputs('dev', { local: true, localDir: join(ctx.WORK, 'main') });
    assert.deepEqual(found.outputs, outputs);
    assert.match(found.source, /local deployment/);
    const { files, pending } = onboardingFiles(config, found.outputs);
    assert.equal(pending, 0);
    assert.ok(!files.some((f) => f.content.includes('PENDING-DEPLOY')));
  });

  for (const developer of baseConfig.developers) {
    it(`${developer.id}: claude -p answers through their own profiles`, async () => {
      const res = await claude(developer.id, ['-p', 'hello', '--output-format', 'json']);
      assert.equal(res.code, 0, `claude failed:\n${res.stdout}\n${res.stderr}`);
      const result = JSON.parse(res.stdout);
      assert.equal(result.is_error, false);
      assert.equal(result.result, REPLY);
      results[developer.id] = result;
    });
  }

  it('Claude Code made no start-up probe and no call was refused', () => {
    const requests = runtimeRequests();
    assert.ok(requests.length >= baseConfig.developers.length * 3, requests.join('\n'));
    for (const line of requests) {
      assert.match(line, / -> 200 /, `refused or failed: ${line}`);
      const model = /^bedrock-runtime POST \/model\/([^/]+)\//.exec(line)?.[1];
      if (model !== undefined) {
        // Only application inference profiles (the ARN's '/' arrives as %2F): no system profile.
        assert.match(
          decodeURIComponent(model),
          /:application-inference-profile\/[a-z0-9]{12}$/,
          line,
        );
      }
    }
  });

  it('logged every call to CloudWatch, attributed to the caller session and profile, with the client token counts', () => {
    const records = logRecords();
    const mine = outputs.inference_profiles.value;
    for (const developer of baseConfig.developers) {
      const session = `${SESSION_ROLE}/${developer.id}`;
      const own = records.filter((r) => r.identity.arn === session);
      assert.ok(own.length > 0, `no record for ${developer.id}`);
      for (const r of own) {
        assert.ok(
          Object.values(mine[developer.id]).includes(r.modelId),
          `${developer.id} called ${r.modelId}, not an own profile`,
        );
        assert.equal(r.accountId, ACCOUNT);
        assert.ok(r.inferenceRegion, 'inferenceRegion');
      }
      // What the client counted equals what the logs recorded.
      const usage = results[developer.id].usage;
      const sum = (f) => own.reduce((n, r) => n + (f(r) ?? 0), 0);
      assert.equal(
        sum((r) => r.input.inputTokenCount),
        usage.input_tokens,
      );
      assert.equal(
        sum((r) => r.output.outputTokenCount),
        usage.output_tokens,
      );
      assert.equal(
        sum((r) => r.input.cacheReadInputTokenCount),
        usage.cache_read_input_tokens,
      );
      assert.equal(
        sum((r) => r.input.cacheWriteInputTokenCount),
        usage.cache_creation_input_tokens,
      );
    }
    // Every record belongs to one of the developers: no probe, no other caller.
    const sessions = new Set(baseConfig.developers.map((d) => `${SESSION_ROLE}/${d.id}`));
    assert.deepEqual(
      records.filter((r) => !sessions.has(r.identity.arn)).map((r) => r.identity.arn),
      [],
    );
  });

  it('wrote the same records to S3, gzipped, under the hourly prefix', () => {
    const bucket = outputs.invocation_logs_bucket.value;
    const prefix = `bedrock/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/us-east-1/`;
    const objects = ctx.gzippedJsonLines(bucket, prefix);
    assert.ok(objects.length > 0, 'no invocation log objects');
    for (const { key } of objects) {
      assert.match(key, new RegExp(`^${prefix}\\d{4}/\\d{2}/\\d{2}/\\d{2}/[^/]+\\.json\\.gz$`));
    }
    const fromS3 = objects.flatMap((o) => o.records);
    // The same records, field for field (caller, profile, token counts, bodies).
    const byId = (rs) => [...rs].sort((a, b) => (a.requestId < b.requestId ? -1 : 1));
    assert.deepEqual(byId(fromS3), byId(logRecords()));
  });

  it('the deployed Logs Insights queries and metric filters count exactly these calls', () => {
    const records = logRecords();
    assert.ok(records.length >= baseConfig.developers.length, 'too few records to count');
    const definitions = ctx.aws(['logs', 'describe-query-definitions']).queryDefinitions;
    const byCaller = definitions.find((d) => /top-consumers|usage-by-caller/i.test(d.name));
    assert.ok(byCaller, `no per-caller query in ${definitions.map((d) => d.name).join(', ')}`);
    // Every query that counts invocations over all records adds up to exactly these calls.
    const counting = definitions.filter(
      (d) => /count\(\*\) as invocations/.test(d.queryString) && !/\bfilter\b/.test(d.queryString),
    );
    assert.ok(counting.length >= 3, counting.map((d) => d.name).join(', '));
    for (const d of counting) {
      const total = evaluateLogsInsights(d.queryString, records).reduce(
        (n, r) => n + Number(r.invocations),
        0,
      );
      assert.equal(total, records.length, d.name);
    }
    const rows = evaluateLogsInsights(byCaller.queryString, records);
    for (const developer of baseConfig.developers) {
      const session = `${SESSION_ROLE}/${developer.id}`;
      const calls = records.filter((r) => r.identity.arn === session).length;
      const row = rows.filter((r) => r.caller === session);
      assert.equal(
        row.reduce((n, r) => n + Number(r.invocations), 0),
        calls,
        `${byCaller.name} for ${developer.id}`,
      );
    }
    const filters = ctx.aws([
      'logs',
      'describe-metric-filters',
      '--log-group-name',
      outputs.log_group_name.value,
    ]).metricFilters;
    // The invocation count and every token metric (`{ $.<path> >= 0 }`, value `$.<path>`).
    const metric = (f) =>
      applyMetricFilter(
        { pattern: f.filterPattern, metricTransformation: f.metricTransformations[0] },
        records,
      ).value;
    const sumOf = (path) =>
      records.reduce((n, r) => n + (path.split('.').reduce((o, k) => o?.[k], r) ?? 0), 0);
    let checked = 0;
    for (const f of filters) {
      const path = /^\{ \$\.([\w.]+) >= 0 \}$/.exec(f.filterPattern)?.[1];
      if (/schemaType/.test(f.filterPattern)) assert.equal(metric(f), records.length, f.filterName);
      else if (path) assert.equal(metric(f), sumOf(path), f.filterName);
      else continue;
      checked++;
    }
    assert.ok(checked >= 5, `${checked} metric filters checked`);
  });

  it("refuses developer B on developer A's profile, and Claude Code shows the denial", async () => {
    const janes = outputs.inference_profiles.value['jane.doe@example.com'].sonnet;
    const before = logRecords().length;
    const res = await claude('bob.smith', ['-p', 'hello', '--model', janes], {
      extraEnv: ONE_RETRY,
    });
    assert.notEqual(res.code, 0);
    assertDenied(res, janes);
    assert.equal(logRecords().length, before, 'a refused call must not be logged');
  });

  it('refuses a tier the developer is not entitled to (opus for bob)', async () => {
    const res = await claude('bob.smith', ['-p', 'hello', '--model', 'opus'], {
      extraEnv: ONE_RETRY,
    });
    assert.notEqual(res.code, 0);
    assertDenied(res, 'us.anthropic.claude-opus-4-6-v1');
  });

  it("refuses a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK) minted from the developer's own session", async () => {
    // Bob's tagged session, obtained exactly as his settings do it (awsCredentialExport) ...
    const prepared = prepare('bob.smith');
    const settings = JSON.parse(readFileSync(join(prepared.home, '.claude', 'settings.json')));
    const exported = spawnSync('sh', ['-c', settings.awsCredentialExport], {
      env: prepared.env,
      encoding: 'utf8',
    });
    assert.equal(exported.status, 0, exported.stderr);
    const session = JSON.parse(exported.stdout).Credentials;
    // ... turned into a short-term Bedrock API key, as aws-bedrock-token-generator does.
    const minted = spawnSync(
      'python3',
      [
        '-c',
        'import json, sys; sys.path.insert(0, sys.argv[1]); from testing_support import short_term_key; print(short_term_key(json.load(sys.stdin)))',
        join(ROOT, 'emulator'),
      ],
      { input: JSON.stringify(session), encoding: 'utf8' },
    );
    assert.equal(minted.status, 0, minted.stderr);
    const res = await claude('bob.smith', ['-p', 'hello'], {
      extraEnv: { ...ONE_RETRY, AWS_BEARER_TOKEN_BEDROCK: minted.stdout.trim() },
    });
    assert.notEqual(res.code, 0);
    const text = `${res.stdout}\n${res.stderr}`;
    assert.match(
      text,
      /assumed-role\/acme-claude-developer\/bob\.smith is not authorized to perform: bedrock:CallWithBearerToken .* with an explicit deny/,
      text.slice(-2000),
    );
  });

  it('applies the SCP: a model the platform did not approve is refused by it', async () => {
    const unapproved = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
    const res = await claude('jane.doe@example.com', ['-p', 'hello', '--model', unapproved], {
      extraEnv: ONE_RETRY,
    });
    assert.notEqual(res.code, 0);
    const text = `${res.stdout}\n${res.stderr}`;
    assert.match(text, /with an explicit deny in a service control policy/, text.slice(-2000));
    assert.ok(text.includes(unapproved), text.slice(-2000));
  });

  it('refuses a session without the User tag', async () => {
    // Bob's own IAM credentials, assuming the developer role without --tags.
    const prepared = prepare('bob.smith', 'home-untagged');
    const creds = assumeRole(prepared.home, 'default', outputs.developer_role_arn.value, []);
    writeSession(prepared.home, 'untagged', creds);
    const settings = JSON.parse(readFileSync(join(prepared.home, '.claude', 'settings.json')));
    delete settings.awsCredentialExport;
    settings.env.AWS_PROFILE = 'untagged';
    writeFileSync(join(prepared.home, '.claude', 'settings.json'), JSON.stringify(settings));
    const res = await runClaude(prepared, ['-p', 'hello'], {
      capture: true,
      timeoutMs: 90_000,
      extraEnv: ONE_RETRY,
    });
    assert.notEqual(res.code, 0);
    assertDenied(res, outputs.inference_profiles.value['bob.smith'].sonnet);
  });

  it('allows an Identity Center permission-set session on its own profile', async () => {
    // What Identity Center does when it provisions the permission set into the account: a role
    // under /aws-reserved/sso.amazonaws.com/ with the permission set's inline policy; sessions
    // carry the User tag from the attributes for access control.
    const permissionSet = outputs.sso_permission_set_arn.value;
    const inline = ctx.aws([
      'sso-admin',
      'get-inline-policy-for-permission-set',
      '--instance-arn',
      instanceArn,
      '--permission-set-arn',
      permissionSet,
    ]).InlinePolicy;
    const roleName = 'AWSReservedSSO_acme-claude-bedrock_0123456789abcdef';
    ctx.aws([
      'iam',
      'create-role',
      '--role-name',
      roleName,
      '--path',
      '/aws-reserved/sso.amazonaws.com/',
      '--assume-role-policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: ['sts:AssumeRole', 'sts:TagSession'],
          },
        ],
      }),
    ]);
    ctx.aws([
      'iam',
      'put-role-policy',
      '--role-name',
      roleName,
      '--policy-name',
      'AwsSSOInlinePolicy',
      '--policy-document',
      inline,
    ]);
    const ssoConfig = {
      ...config,
      claudeCode: { ...config.claudeCode, ssoStartUrl: 'https://acme.awsapps.com/start' },
    };
    // prepareDeveloper refuses Identity Center (the emulator has no SSO portal): build the home
    // from bob's, with the identityCenter settings and the SSO session in the profile.
    const prepared = prepare('jane.doe@example.com', 'home-sso');
    const { stack } = packages();
    const settings = stack.developerSettings(
      ssoConfig,
      { id: 'jane.doe@example.com' },
      outputs.inference_profiles.value['jane.doe@example.com'],
      outputs.developer_role_arn.value,
    );
    assert.equal(settings.awsCredentialExport, undefined);
    delete settings.awsAuthRefresh; // `aws sso login` needs a browser
    writeFileSync(join(prepared.home, '.claude', 'settings.json'), JSON.stringify(settings));
    const creds = assumeRole(
      undefined,
      undefined,
      `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${roleName}`,
      ['Key=User,Value=jane.doe@example.com'],
    );
    writeSession(prepared.home, config.claudeCode.awsProfile, creds);
    const res = await runClaude(prepared, ['-p', 'hello', '--output-format', 'json'], {
      capture: true,
      timeoutMs: 90_000,
    });
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.equal(JSON.parse(res.stdout).result, REPLY);
    const sso = logRecords().filter((r) => r.identity.arn.includes(`assumed-role/${roleName}/`));
    assert.ok(sso.length > 0);
    for (const r of sso) {
      assert.ok(
        Object.values(outputs.inference_profiles.value['jane.doe@example.com']).includes(r.modelId),
      );
    }
  });

  describe('see the spend: Athena named queries and npm run report', () => {
    reportTests({ ctx, outputs: () => outputs, config: () => config, clock });
  });

  describe('spend caps, enforced by the enforcer function on the emulator', () => {
    const period = () => new Date(clock()).toISOString().slice(0, 7);
    let blockedProfile;

    it('counts the exact stand-in cost of a developer’s calls in the usage table', async () => {
      const res = await claude(CAPPED, ['-p', 'hello', '--output-format', 'json']);
      assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
      settle();
      const row = usageRow(CAPPED, period());
      const { core } = packages();
      const own = logRecords().filter((r) => r.identity.arn === `${SESSION_ROLE}/${CAPPED}`);
      assert.ok(own.length > 0);
      const tierOf = Object.fromEntries(
        Object.entries(outputs.inference_profiles.value[CAPPED]).map(([t, arn]) => [arn, t]),
      );
      const expected = own.reduce(
        (n, r) => n + core.callCostUsd(core.recordTokens(r), config.prices[tierOf[r.modelId]]),
        0,
      );
      assert.equal(row.calls, own.length);
      assert.ok(Math.abs(row.costUsd - expected) < 1e-9, `${row.costUsd} != ${expected}`);
      assert.ok(row.costUsd > 0 && row.costUsd < CAP_USD, `first run cost ${row.costUsd}`);
      assert.equal(row.blocked, false);
    });

    it('blocks the developer once a call crosses the cap; Claude Code shows the denial; others work', async () => {
      let row;
      for (let run = 0; run < 8; run++) {
        // Until the block, every call is served: the crossing call itself included.
        const res = await claude(CAPPED, ['-p', 'hello'], { extraEnv: ONE_RETRY });
        assert.equal(res.code, 0, `run ${run + 2} refused before the cap:\n${res.stderr}`);
        settle();
        row = usageRow(CAPPED, period());
        if (row.blocked) break;
      }
      assert.equal(row.blocked, true, `not blocked at ${row.costUsd} USD`);
      assert.ok(row.costUsd >= CAP_USD);
      assert.deepEqual(row.warned, [80, 100]);
      const profiles = Object.values(outputs.inference_profiles.value[CAPPED]);
      for (const arn of profiles) assert.equal(profileTags(arn).BudgetState, 'blocked', arn);
      [blockedProfile] = profiles;

      const denied = await claude(CAPPED, ['-p', 'hello'], { extraEnv: ONE_RETRY });
      assert.notEqual(denied.code, 0);
      const text = `${denied.stdout}\n${denied.stderr}`;
      assert.match(
        text,
        /not authorized to perform: bedrock:InvokeModel.* with an explicit deny/,
        text.slice(-2000),
      );
      const other = await claude('bob.smith', ['-p', 'hello']);
      assert.equal(other.code, 0, other.stderr);
    });

    it('leaves the block alone on the next plan', () => {
      const plan = ctx.tf(stackDir, [
        'plan',
        '-detailed-exitcode',
        '-input=false',
        '-refresh=true',
      ]);
      assert.equal(plan.status, 0, `the plan wants changes:\n${plan.stdout.slice(-3000)}`);
      assert.equal(profileTags(blockedProfile).BudgetState, 'blocked');
    });

    it('lifts the block at the start of the next period (simulated clock)', async () => {
      const next = new Date(clock());
      const boundary = Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 1);
      control('clock', { now: new Date(boundary + 5_000).toISOString() });
      settle();
      assert.equal(profileTags(blockedProfile).BudgetState, undefined);
      const res = await claude(CAPPED, ['-p', 'hello']);
      assert.equal(res.code, 0, res.stderr);
      settle();
      const row = usageRow(CAPPED, period());
      assert.equal(period(), new Date(boundary).toISOString().slice(0, 7));
      assert.ok(row.calls > 0 && row.costUsd < CAP_USD && !row.blocked);
    });

    it('npm run caps: status, raise and unblock for the platform team', async () => {
      const caps = async (...args) => {
        const lines = [];
        const code = await capsMain(['--env', 'dev', ...args], (l) => lines.push(l), {
          endpoint: ctx.emulator.endpoint,
          outputs,
        });
        return { code, text: lines.join('\n') };
      };
      // A cap below what Erin spent this period: her next call is served, then she is blocked.
      const raised = await caps('raise', CAPPED, '0.000001');
      assert.equal(raised.code, 0);
      assert.match(raised.text, /cap for \d{4}-\d{2} is now 0.000001 USD/);
      assert.equal((await claude(CAPPED, ['-p', 'hello'], { extraEnv: ONE_RETRY })).code, 0);
      settle();
      const status = JSON.parse((await caps('--json', 'status')).text);
      const erin = status.developers.find((d) => d.developer === CAPPED);
      assert.equal(erin.state, 'blocked');
      assert.equal(erin.capUsd, 0.000001);
      assert.notEqual((await claude(CAPPED, ['-p', 'hello'], { extraEnv: ONE_RETRY })).code, 0);

      const unblocked = await caps('unblock', CAPPED);
      assert.equal(unblocked.code, 0);
      const res = await claude(CAPPED, ['-p', 'hello']);
      assert.equal(res.code, 0, res.stderr);
      settle();
      const after = usageRow(CAPPED, period());
      assert.equal(after.blocked, false); // still over its cap, but exempt for the period
      assert.equal(after.exempt, true);
      assert.match(after.unblockedBy, /^arn:aws:(iam|sts)::/);
      await assert.rejects(() => caps('unblock', 'nobody'), /unknown developer 'nobody'/);
      // Not blocked (exempt now): refused, so no cap is switched off by mistake.
      await assert.rejects(
        () => caps('unblock', CAPPED),
        /is not blocked in \d{4}-\d{2}; nothing to unblock/,
      );
    });
  });

  /** The emulator clock, in epoch milliseconds. */
  function clock() {
    return Date.parse(control('clock').now);
  }

  /** `GET|POST /_emulator/<path>` of the test's emulator (synchronous, via curl). */
  function control(path, body) {
    const args = ['-sf', `${ctx.emulator.endpoint}/_emulator/${path}`];
    if (body)
      args.push('-X', 'POST', '-H', 'content-type: application/json', '-d', JSON.stringify(body));
    const res = spawnSync('curl', args, { encoding: 'utf8' });
    assert.equal(res.status, 0, `${path}: ${res.stderr}`);
    return JSON.parse(res.stdout);
  }

  /** Waits until log deliveries and the asynchronous invocations they started are done. */
  function settle() {
    for (let i = 0; i < 3; i++) {
      control('logs/deliveries?wait=60');
      control('lambda/async-invocations?wait=60');
    }
  }

  /** The enforcer's usage row of a developer in a period, as plain values. */
  function usageRow(developer, p) {
    const { Item } = ctx.aws([
      'dynamodb',
      'get-item',
      '--table-name',
      outputs.spend_caps.value.usage_table,
      '--consistent-read',
      '--key',
      JSON.stringify({ developer: { S: developer }, period: { S: p } }),
    ]);
    assert.ok(Item, `no usage row for ${developer} in ${p}`);
    return {
      costUsd: Number(Item.costUsd?.N ?? 0),
      calls: Number(Item.calls?.N ?? 0),
      blocked: Item.blocked?.BOOL === true,
      exempt: Item.exempt?.BOOL === true,
      warned: (Item.warned?.NS ?? []).map(Number).sort((a, b) => a - b),
      unblockedBy: Item.unblockedBy?.S,
    };
  }

  function profileTags(arn) {
    const { tags } = ctx.aws(['bedrock', 'list-tags-for-resource', '--resource-arn', arn]);
    return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value]));
  }

  /**
   * The data plane's request lines (`bedrock-runtime <METHOD> <path> -> <status> ...`), without
   * the emulator script's readiness checks (`GET /`).
   */
  function runtimeRequests() {
    return readFileSync(join(ctx.WORK, 'emulator.log'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('bedrock-runtime ') && !l.startsWith('bedrock-runtime GET / '));
  }

  function logRecords() {
    const events = [];
    let token;
    do {
      const page = ctx.aws([
        'logs',
        'filter-log-events',
        '--log-group-name',
        outputs.log_group_name.value,
        ...(token ? ['--next-token', token] : []),
      ]);
      events.push(...page.events);
      token = page.nextToken;
    } while (token);
    return events.map((e) => JSON.parse(e.message));
  }

  function assertDenied(res, resource) {
    const text = `${res.stdout}\n${res.stderr}`;
    assert.match(text, /not authorized to perform: bedrock:InvokeModel/i, text.slice(-2000));
    assert.ok(text.includes(resource), `the denial names ${resource}:\n${text.slice(-2000)}`);
  }

  /** `aws sts assume-role` with a profile of `home` (or the emulator's root credentials). */
  function assumeRole(home, profile, roleArn, tags) {
    const env = home
      ? {
          ...ctx.tfEnv,
          HOME: home,
          AWS_PROFILE: profile,
          AWS_ACCESS_KEY_ID: '',
          AWS_SECRET_ACCESS_KEY: '',
        }
      : { ...ctx.tfEnv };
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    if (!home) Object.assign(env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    const res = run(
      'aws',
      [
        'sts',
        'assume-role',
        '--role-arn',
        roleArn,
        '--role-session-name',
        'session',
        ...(tags.length ? ['--tags', ...tags] : []),
        '--endpoint-url',
        ctx.emulator.endpoint,
        '--output',
        'json',
      ],
      { env, capture: true },
    );
    assert.equal(res.status, 0, res.stderr);
    return JSON.parse(res.stdout).Credentials;
  }

  function writeSession(home, profile, c) {
    const file = join(home, '.aws', 'credentials');
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      `${text}\n[${profile}]\naws_access_key_id = ${c.AccessKeyId}\naws_secret_access_key = ${c.SecretAccessKey}\naws_session_token = ${c.SessionToken}\n`,
    );
  }
});
