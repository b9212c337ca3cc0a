#!/usr/bin/env node
// Writes the compliance report of one environment from its synthesized stack: which audit controls
// (SOC 2, HIPAA, GDPR, SOX, ISO/IEC 42001) the configuration implements, with the Terraform
// addresses behind each and PASS / MISSING / SUPPRESSED computed from the configuration itself.
// The evaluation lives in @claude-code-bedrock/policy (evaluateCompliance); this script only reads
// and writes files.
//
// Usage: node scripts/compliance.mjs --env <env> [--out <dir>] [--stack <cdk.tf.json>]
//                                    [--config <config.yaml>] [--check]
//   --env     environment app under apps/ (required)
//   --out     output directory (default apps/<env>/compliance)
//   --stack   synthesized stack to read (default apps/<env>/cdktf.out/stacks/<env>/cdk.tf.json,
//             synthesized with apps/<env>/dist/main.js when missing)
//   --config  config whose team ids must each have a budget (default apps/<env>/config.yaml if
//             present; teams tagged on inference profiles are always checked)
//   --check   exit 1 when a control is MISSING
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, synthApp } from './lib.mjs';

const require = createRequire(import.meta.url);

function fail(message) {
  console.error(`compliance: ${message}`);
  process.exit(1);
}

function load(pkg) {
  const entry = join(ROOT, 'packages', pkg, 'dist', 'index.js');
  if (!existsSync(entry)) fail(`${relative(ROOT, entry)} is missing: run 'npm run build' first`);
  return require(entry);
}

let args;
try {
  args = parseArgs({
    options: {
      env: { type: 'string' },
      out: { type: 'string' },
      stack: { type: 'string' },
      config: { type: 'string' },
      check: { type: 'boolean', default: false },
    },
  }).values;
} catch (err) {
  fail(err.message);
}
const env = args.env;
if (!env || !/^[\w-]+$/.test(env)) fail('--env <environment> is required (an app under apps/)');
const appDir = join(ROOT, 'apps', env);
if (!args.stack && !existsSync(appDir)) fail(`no app apps/${env}`);

const policy = load('policy');

// The synthesized stack.
let stackFile = args.stack
  ? resolve(args.stack)
  : join(appDir, 'cdktf.out', 'stacks', env, 'cdk.tf.json');
if (!existsSync(stackFile)) {
  if (args.stack) fail(`${args.stack} does not exist`);
  console.log(`compliance: ${relative(ROOT, stackFile)} is missing, synthesizing apps/${env} ...`);
  try {
    const dirs = synthApp(env);
    stackFile = join(dirs.find((d) => d.endsWith(`/${env}`)) ?? dirs[0], 'cdk.tf.json');
  } catch (err) {
    fail(`could not synthesize apps/${env}:\n${err.message}`);
  }
}
let tf;
try {
  tf = JSON.parse(readFileSync(stackFile, 'utf8'));
} catch (err) {
  fail(`cannot read ${stackFile}: ${err.message}`);
}

// Team ids from the environment's config, when there is one.
const configPath = args.config ? resolve(args.config) : join(appDir, 'config.yaml');
let teams;
if (existsSync(configPath)) {
  try {
    teams = load('core')
      .loadConfigFile(configPath)
      .teams.map((t) => t.id);
  } catch (err) {
    if (args.config) fail(err.message);
    console.warn(
      `compliance: ${relative(ROOT, configPath)} not used (${err.message.split('\n')[0]})`,
    );
  }
} else if (args.config) {
  fail(`${args.config} does not exist`);
}

const report = policy.evaluateCompliance(tf, { teams });
const source = relative(ROOT, stackFile);
let markdown = policy.renderComplianceMarkdown(report, { source });
const outDir = args.out ? resolve(args.out) : join(appDir, 'compliance');
mkdirSync(outDir, { recursive: true });
const mdFile = join(outDir, 'compliance.md');
let json = `${JSON.stringify({ source, ...report }, null, 2)}\n`;
try {
  // Keep the committed report stable under the repository's `prettier --check`.
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(mdFile)) ?? {};
  markdown = await prettier.format(markdown, { ...options, parser: 'markdown' });
  json = await prettier.format(json, { ...options, parser: 'json' });
} catch {
  // prettier unavailable: write the report as rendered
}
writeFileSync(mdFile, markdown);
writeFileSync(join(outDir, 'compliance.json'), json);

const { PASS, MISSING, SUPPRESSED } = report.summary;
const shown = relative(ROOT, outDir).startsWith('..') ? outDir : relative(ROOT, outDir) || '.';
console.log(
  `compliance: ${env}: ${PASS} PASS, ${MISSING} MISSING, ${SUPPRESSED} SUPPRESSED -> ${shown}/compliance.{md,json}`,
);
for (const c of report.controls.filter((x) => x.status !== 'PASS')) {
  console.log(`  ${c.status.padEnd(10)} ${c.title}${c.gaps.length ? `: ${c.gaps[0]}` : ''}`);
}
process.exit(args.check && MISSING > 0 ? 1 : 0);
