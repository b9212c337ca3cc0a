#!/usr/bin/env node
// The compliance report of one environment: the seven controls of the compliance mapping (who
// accessed, what model, how much consumed, sensitive-data exposure, network proof, deletion,
// session purge), each PASS / MISSING / CONFLICT / NOT CONFIGURED / SUPPRESSED with the Terraform
// addresses that prove it, mapped to SOC 2, HIPAA, GDPR, SOX and ISO/IEC 42001.
//
// The evidence is the stack that will be deployed: the app is synthesized fresh, into a temporary
// directory, with the environment's config, never read from whatever apps/<env>/cdktf.out holds.
// The report names the config file and its SHA-256. The evaluation lives in
// @claude-code-bedrock/policy (evaluateCompliance); this script synthesizes, compares and writes.
//
// Usage: node scripts/compliance.mjs --env <env> [--config <config.yaml>] [--out <dir>] [--check]
//   --env     environment app under apps/ (required)
//   --config  config to synthesize with (default apps/<env>/config.yaml)
//   --out     report directory (default apps/<env>/compliance)
//   --check   write nothing; exit 1 when the report in --out differs from the fresh one, or when
//             a control is MISSING
// Errors are one line each; on any error nothing is written.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, synthApp } from './lib.mjs';

const require = createRequire(import.meta.url);

/** Prints each line of `message` as `compliance: <line>` on stderr and exits 1. */
function fail(...messages) {
  for (const line of messages.flatMap((m) => String(m).split('\n'))) {
    if (line.trim() !== '') console.error(`compliance: ${line.trim()}`);
  }
  process.exit(1);
}

/** A path for messages: relative to the repository when inside it. */
const shown = (path) => (relative(ROOT, path).startsWith('..') ? path : relative(ROOT, path));

function load(pkg) {
  const entry = join(ROOT, 'packages', pkg, 'dist', 'index.js');
  if (!existsSync(entry)) fail(`${shown(entry)} is missing: run 'npm run build' first`);
  return require(entry);
}

let args;
try {
  args = parseArgs({
    options: {
      env: { type: 'string' },
      config: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'boolean', default: false },
    },
  }).values;
} catch (err) {
  fail(err.message);
}
const env = args.env;
if (!env || !/^[\w-]+$/.test(env)) fail('--env <environment> is required (an app under apps/)');
const appDir = join(ROOT, 'apps', env);
if (!existsSync(appDir)) fail(`no app apps/${env}`);
const configPath = args.config ? resolve(args.config) : join(appDir, 'config.yaml');
if (!existsSync(configPath)) fail(`${shown(configPath)} does not exist`);

const core = load('core');
const policy = load('policy');

// The config: validated here too, so its problems are reported one per line.
let config;
try {
  config = core.loadConfigFile(configPath);
} catch (err) {
  if (Array.isArray(err.problems)) {
    fail(
      ...err.problems.map((p) => `${shown(configPath)}: ${p.path}: ${p.message} (got ${p.value})`),
    );
  }
  fail(`${shown(configPath)}: ${err.message}`);
}
const sha256 = createHash('sha256').update(readFileSync(configPath)).digest('hex');

// A fresh synth with that config (never the caller's CCB_* settings), in a directory of its own.
const outdir = mkdtempSync(join(tmpdir(), `ccb-compliance-${env}-`));
let tf;
try {
  const dirs = synthApp(env, {
    outdir,
    env: { CCB_CONFIG: configPath, CCB_TARGET: 'aws', CCB_EMULATOR_ENDPOINT: '', CCB_DEBUG: '' },
  });
  const stackDir = dirs.find((d) => basename(d) === config.environment) ?? dirs[0];
  tf = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
} catch (err) {
  const output = err.result ? `${err.result.stdout}${err.result.stderr}` : err.message;
  const lines = output
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('nothing was synthesized'));
  fail(
    `apps/${env} did not synthesize with ${shown(configPath)}:`,
    ...lines.map((l) => `  ${l.trim()}`),
  );
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

const report = policy.evaluateCompliance(tf, {
  teams: config.teams.map((t) => t.id),
  network: config.network,
});
const source = `apps/${env}`;
const configRef = { file: shown(configPath), sha256 };
const outDir = args.out ? resolve(args.out) : join(appDir, 'compliance');
const files = {
  'compliance.md': policy.renderComplianceMarkdown(report, { source, config: configRef }),
  // Checks appear once, under their control (report.checks is the same list, flattened).
  'compliance.json': `${JSON.stringify({ source, config: configRef, ...report, checks: undefined }, null, 2)}\n`,
};
try {
  // Keep the committed report stable under the repository's `prettier --check`.
  const prettier = await import('prettier');
  for (const [name, content] of Object.entries(files)) {
    const file = join(outDir, name);
    const options = (await prettier.resolveConfig(file)) ?? {};
    const parser = name.endsWith('.md') ? 'markdown' : 'json';
    files[name] = await prettier.format(content, { ...options, parser });
  }
} catch {
  // prettier unavailable: compare and write the report as rendered
}

const { summary } = report;
const counts = ['PASS', 'MISSING', 'CONFLICT', 'NOT CONFIGURED', 'SUPPRESSED']
  .map((s) => `${summary[s]} ${s}`)
  .join(', ');
const describe = () => {
  for (const c of report.controls.filter((x) => x.status !== 'PASS')) {
    const keys = c.configKeys.length > 0 ? ` (set ${c.configKeys.join(', ')})` : '';
    const first = c.checks.find((k) => k.status === c.status);
    const why = first?.gaps[0] ?? first?.conflicts[0] ?? first?.notConfigured[0] ?? '';
    console.log(`  ${c.status.padEnd(14)} ${c.title}${keys}${why ? `: ${why}` : ''}`);
  }
};

if (args.check) {
  for (const [name, fresh] of Object.entries(files)) {
    const file = join(outDir, name);
    const committed = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (committed === fresh) continue;
    const hint =
      committed === undefined
        ? 'the file does not exist'
        : firstDifference(committed.split('\n'), fresh.split('\n'));
    fail(
      `${shown(file)} is not the report of a fresh synth of apps/${env} with ${configRef.file} (sha256 ${sha256.slice(0, 12)}): run 'npm run compliance -- --env ${env}${args.config ? ` --config ${args.config}` : ''}' and commit it`,
      `  ${hint}`,
    );
  }
  console.log(`compliance: ${env}: ${counts}; ${shown(outDir)} is up to date`);
  describe();
  process.exit(summary.MISSING > 0 ? 1 : 0);
}

mkdirSync(outDir, { recursive: true });
for (const [name, content] of Object.entries(files)) writeFileSync(join(outDir, name), content);
console.log(`compliance: ${env}: ${counts} -> ${shown(outDir)}/compliance.{md,json}`);
describe();

/** `line N: committed "..." / fresh "..."` around the first character that differs. */
function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  const [x, y] = [a[i] ?? '', b[i] ?? ''];
  let col = 0;
  while (col < x.length && x[col] === y[col]) col += 1;
  const from = Math.max(0, col - 30);
  const clip = (s, present) =>
    present
      ? JSON.stringify(`${from > 0 ? '...' : ''}${s.slice(from, from + 80)}`)
      : '(end of file)';
  return `first difference at line ${i + 1}, column ${col + 1}: committed ${clip(x, i < a.length)}, fresh ${clip(y, i < b.length)}`;
}
