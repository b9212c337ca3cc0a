// npm run compliance: the report comes from a fresh synth with the environment's config, names the
// config and its hash, and --check compares with the committed report without rewriting it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../lib.mjs';

const DEV_CONFIG = join(ROOT, 'apps', 'dev', 'config.yaml');

function compliance(...args) {
  const res = spawnSync('node', [join(ROOT, 'scripts', 'compliance.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    // A caller's settings must not change the evidence.
    env: { ...process.env, CCB_CONFIG: '/nonexistent.yaml', CCB_TARGET: 'local' },
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

test('writes the report of a fresh synth, naming the config and its SHA-256; dev network is NOT CONFIGURED', () => {
  const out = mkdtempSync(join(tmpdir(), 'compliance-'));
  const res = compliance('--env', 'dev', '--out', out);
  assert.equal(res.status, 0, res.stderr);
  const md = readFileSync(join(out, 'compliance.md'), 'utf8');
  const sha = createHash('sha256').update(readFileSync(DEV_CONFIG)).digest('hex');
  assert.match(md, new RegExp(`from \`apps/dev/config.yaml\` \\(SHA-256 \`${sha}\`\\)`));
  assert.match(
    md,
    /\| \[Network proof\]\(#network-proof\) +\| .*\| \*\*NOT CONFIGURED\*\* +\|.*`network\.vpcId`/,
  );
  const json = JSON.parse(readFileSync(join(out, 'compliance.json'), 'utf8'));
  assert.deepEqual(json.config, { file: 'apps/dev/config.yaml', sha256: sha });
  assert.equal(json.controls.length, 7);
  assert.match(res.stdout, /NOT CONFIGURED Network proof \(set network\.vpcId/);
});

test('--check passes on an identical report and fails, without rewriting, on a different one', () => {
  const out = mkdtempSync(join(tmpdir(), 'compliance-'));
  assert.equal(compliance('--env', 'dev', '--out', out).status, 0);
  const ok = compliance('--env', 'dev', '--out', out, '--check');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /is up to date/);

  const file = join(out, 'compliance.md');
  const stale = readFileSync(file, 'utf8').replace('**NOT CONFIGURED**', '**PASS**');
  writeFileSync(file, stale);
  const res = compliance('--env', 'dev', '--out', out, '--check');
  assert.equal(res.status, 1);
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 2, res.stderr);
  assert.match(
    lines[0],
    /compliance\.md is not the report of a fresh synth of apps\/dev with apps\/dev\/config\.yaml/,
  );
  assert.match(
    lines[1],
    /first difference at line \d+, column \d+: committed ".*\*\*PASS\*\*.*", fresh ".*NOT CONFIGURED/,
  );
  assert.equal(readFileSync(file, 'utf8'), stale);
});

test('--check fails when the committed report is missing, and writes nothing', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'compliance-')), 'none');
  const res = compliance('--env', 'dev', '--out', out, '--check');
  assert.equal(res.status, 1);
  assert.match(res.stderr, /the file does not exist/);
  assert.equal(existsSync(out), false);
});

test('a config with problems: one line per problem, exit 1, nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compliance-'));
  const config = join(dir, 'config.yaml');
  copyFileSync(DEV_CONFIG, config);
  writeFileSync(
    config,
    readFileSync(config, 'utf8')
      .replace('logRetentionDays: 30', 'logRetentionDays: 31')
      .replace('monthlyUsd: 1000', 'monthlyUsd: -1'),
  );
  const out = join(dir, 'report');
  const res = compliance('--env', 'dev', '--config', config, '--out', out);
  assert.equal(res.status, 1);
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 2, res.stderr);
  assert.ok(lines.every((l) => l.startsWith('compliance: ') && l.includes('config.yaml: ')));
  assert.match(res.stderr, /logging\.logRetentionDays/);
  assert.match(res.stderr, /budgets\.monthlyUsd/);
  assert.equal(existsSync(out), false);
});

test('usage errors are one line', () => {
  for (const args of [[], ['--env', 'nope'], ['--env', 'dev', '--stack', 'x.json']]) {
    const res = compliance(...args);
    assert.equal(res.status, 1);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
  }
});
