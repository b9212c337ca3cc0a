// The aws CLI, kept warm (scripts/aws-cli-server.py, scripts/aws-cli.mjs): run('aws', ...) through
// the server answers exactly as the aws process does (output, exit code, error text, files written
// relative to the working directory), each call sees only its own environment, and a server that
// refuses or is gone leaves the call to the process. Against the emulator; needs python3 + moto and
// the aws CLI.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AWS_CLI_SERVER_ENV, startAwsCliServer, warmAws } from '../aws-cli.mjs';
import { ROOT, run } from '../lib.mjs';
import { e2e } from './e2e.mjs';

const ctx = e2e('aws-cli');

describe('the warm aws CLI', () => {
  /**
   * The environment of a call: the emulator's root key, plus `extra`, less the variables named in
   * `without`; never the warm CLI's address (the tests name the server they mean).
   */
  const env = (extra = {}, without = []) => {
    const e = {
      ...ctx.tfEnv,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      ...extra,
    };
    for (const name of [AWS_CLI_SERVER_ENV, ...without]) delete e[name];
    return e;
  };
  /**
   * `aws <args>` against the emulator: as a process, or on the warm CLI directly (asserting that
   * it answered, so that a silent fallback to the process cannot pass for the server).
   */
  const aws = (warm, args, { extra, without, cwd = ROOT } = {}) => {
    const full = [...args, '--endpoint-url', ctx.emulator.endpoint];
    if (!warm) return run('aws', full, { env: env(extra, without), cwd, capture: true });
    const res = warmAws(ctx.awsCli.url, full, { env: env(extra, without), cwd });
    assert.ok(res, `the warm CLI did not answer aws ${args.join(' ')}`);
    return res;
  };
  /** The process's answer, then the warm CLI's. */
  const both = (args, opts) => [aws(false, args, opts), aws(true, args, opts)];

  it('answers as the aws process: JSON, --query text, service and usage errors', () => {
    assert.equal(aws(true, ['s3api', 'create-bucket', '--bucket', 'warm-cli']).status, 0);
    const calls = [
      ['s3api', 'list-buckets', '--output', 'json'],
      ['s3api', 'list-buckets', '--query', 'Buckets[].Name', '--output', 'text'],
      ['s3api', 'head-object', '--bucket', 'warm-cli', '--key', 'missing'],
      ['s3api', 'get-bucket-policy', '--bucket', 'no-such-bucket', '--output', 'json'],
      ['s3api', 'list-buckets', '--no-such-option'],
      ['no-such-service', 'list'],
    ];
    for (const args of calls) {
      const [cold, warm] = both(args);
      assert.deepEqual(warm, cold, args.join(' '));
    }
    const [, errored] = both(calls[3]);
    assert.equal(errored.status, 255);
    assert.match(errored.stderr, /NoSuchBucket/);
  });

  it('writes files relative to the working directory of the call', () => {
    const file = join(ctx.WORK, 'body.txt');
    writeFileSync(file, 'hello from the warm CLI\n');
    assert.equal(
      aws(true, ['s3api', 'put-object', '--bucket', 'warm-cli', '--key', 'k', '--body', file])
        .status,
      0,
    );
    for (const warm of [false, true]) {
      const cwd = join(ctx.WORK, warm ? 'warm' : 'cold');
      mkdirSync(cwd, { recursive: true });
      const res = aws(warm, ['s3api', 'get-object', '--bucket', 'warm-cli', '--key', 'k', 'out'], {
        cwd,
      });
      assert.equal(res.status, 0, res.stderr);
      assert.equal(readFileSync(join(cwd, 'out'), 'utf8'), 'hello from the warm CLI\n');
    }
  });

  it('gives each call only its own environment: keys, region and profile do not carry over', () => {
    const user = ctx.aws(['iam', 'create-user', '--user-name', 'warm-cli-user']).User;
    const key = ctx.aws(['iam', 'create-access-key', '--user-name', 'warm-cli-user']).AccessKey;
    const whoami = (extra) =>
      aws(true, ['sts', 'get-caller-identity', '--output', 'json'], { extra });
    const asUser = whoami({
      AWS_ACCESS_KEY_ID: key.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: key.SecretAccessKey,
    });
    assert.equal(asUser.status, 0, asUser.stderr);
    assert.equal(JSON.parse(asUser.stdout).Arn, user.Arn);
    // The next call, with the root key again, is the root again.
    assert.notEqual(JSON.parse(whoami().stdout).Arn, user.Arn);
    // A region set by one call is not there for the next one, which has none (as a process).
    const regionless = (warm) =>
      aws(warm, ['bedrock', 'list-inference-profiles'], {
        without: ['AWS_DEFAULT_REGION', 'AWS_REGION'],
      });
    aws(true, ['bedrock', 'list-inference-profiles', '--region', 'eu-west-1']);
    assert.deepEqual(regionless(true), regionless(false));
    assert.match(regionless(true).stderr, /You must specify a region/);
    // A named profile from the call's own credentials file.
    const credentials = join(ctx.WORK, 'credentials');
    writeFileSync(
      credentials,
      `[dev]\naws_access_key_id = ${key.AccessKeyId}\naws_secret_access_key = ${key.SecretAccessKey}\n`,
    );
    const profiled = (warm) =>
      aws(warm, ['sts', 'get-caller-identity'], {
        extra: { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_PROFILE: 'dev' },
        without: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
      });
    assert.deepEqual(profiled(true), profiled(false));
    assert.equal(JSON.parse(profiled(true).stdout).Arn, user.Arn);
  });

  it('leaves nothing of a --debug call to the next one', () => {
    const debug = aws(true, ['sts', 'get-caller-identity', '--debug']);
    assert.equal(debug.status, 0);
    assert.match(debug.stderr, /DEBUG/);
    const [cold, warm] = both(['sts', 'get-caller-identity', '--output', 'json']);
    assert.deepEqual(warm, cold);
    assert.equal(warm.stderr, '');
  });

  it('leaves a call with another HOME to the process (paths the CLI fixed at import)', () => {
    const home = join(ctx.WORK, 'home');
    mkdirSync(home, { recursive: true });
    const args = ['sts', 'get-caller-identity', '--output', 'json'];
    const e = { ...env(), HOME: home };
    const full = [...args, '--endpoint-url', ctx.emulator.endpoint];
    assert.equal(warmAws(ctx.awsCli.url, full, { env: e, cwd: ROOT }), undefined);
    const viaRun = run('aws', full, {
      env: { ...e, [AWS_CLI_SERVER_ENV]: ctx.awsCli.url },
      capture: true,
    });
    assert.deepEqual(viaRun, run('aws', full, { env: e, capture: true }));
    assert.equal(viaRun.status, 0, viaRun.stderr);
  });

  it('refuses a request without its token, and run() then uses the process', async () => {
    const wrong = `${ctx.awsCli.url.replace(/\/[^/]+$/, '')}/not-the-token`;
    const res = await fetch(wrong, { method: 'POST', body: '{"args":[],"env":{}}' });
    assert.equal(res.status, 403);
    const args = ['s3api', 'list-buckets', '--output', 'json'];
    const viaWrong = run('aws', [...args, '--endpoint-url', ctx.emulator.endpoint], {
      env: { ...env(), [AWS_CLI_SERVER_ENV]: wrong },
      capture: true,
    });
    assert.deepEqual(viaWrong, aws(false, args));
  });

  it('leaves the call to the process when the server is gone', async () => {
    const server = await startAwsCliServer();
    await server.stop();
    const args = ['s3api', 'list-buckets', '--output', 'json'];
    const res = run('aws', [...args, '--endpoint-url', ctx.emulator.endpoint], {
      env: { ...env(), [AWS_CLI_SERVER_ENV]: server.url },
      capture: true,
    });
    assert.deepEqual(res, aws(false, args));
  });
});
