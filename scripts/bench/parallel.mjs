#!/usr/bin/env node
// Runs one terraform command in several stack directories at once, as a CI matrix or
// `npm run deploy -- --plan --parallel N` would plan a sharded environment's stacks, so that
// measure.py can time all of them as one whole process. Each directory's output goes to
// `bench-terraform.log` in it; stdout gets a JSON summary,
// `[{ dir, status, add, change, destroy }]` (the counts Terraform printed, null when none), and
// the exit code is the first failure's (0 when all succeeded).
//
// Usage: node scripts/bench/parallel.mjs <dir>... -- <terraform args...>
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { terraformCounts } from './common.mjs';

const LOG = 'bench-terraform.log';
const at = process.argv.indexOf('--');
const dirs = process.argv.slice(2, at);
const args = process.argv.slice(at + 1);
if (at === -1 || dirs.length === 0 || args.length === 0) {
  console.error('usage: node scripts/bench/parallel.mjs <dir>... -- <terraform args...>');
  process.exit(2);
}

const runIn = (dir) =>
  new Promise((done) => {
    const log = createWriteStream(join(dir, LOG));
    const child = spawn('terraform', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.once('error', (err) => log.end(`${err.message}\n`, () => done({ dir, status: 127 })));
    child.once('close', (code) => log.end(() => done({ dir, status: code ?? 1 })));
  });

const results = await Promise.all(dirs.map(runIn));
const summary = results.map(({ dir, status }) => {
  const counts = terraformCounts(readFileSync(join(dir, LOG), 'utf8'));
  return { dir, status, add: null, change: null, destroy: null, ...counts };
});
console.log(JSON.stringify(summary));
process.exit(summary.find((r) => r.status !== 0)?.status ?? 0);
