// What the benchmark's scenarios share: whole-process timing through measure.py, medians, the
// machine's load around a figure, the printed tables and the results file (merged, never
// truncated: a run that measures some scenarios keeps the figures of the others).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { summaryCounts } from '../deploy/run.mjs';
import { ROOT } from '../lib.mjs';

const execFileAsync = promisify(execFile);
const MEASURE = join(ROOT, 'scripts', 'bench', 'measure.py');

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const finiteOrNull = (x) => (Number.isFinite(x) ? x : null);
export const num = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : 'skipped');
export const log = (msg) => process.stderr.write(`${msg}\n`);

/** The 1-, 5- and 15-minute load averages, rounded (the machine is shared: context for a figure). */
export const loadavg = () => os.loadavg().map((x) => +x.toFixed(2));

/**
 * Runs a command once under measure.py: resolves `{ wall, maxrssMb }` (seconds, MB) and, with
 * `stdout`, its standard output (saved to that file). Its output goes to `logFile`. A non-zero exit
 * rejects with the command and where its output is.
 */
export async function measureOnce(cmd, args, { cwd = ROOT, env = process.env, logFile, stdout }) {
  const { stdout: out } = await execFileAsync(
    'python3',
    [MEASURE, '--log', logFile, ...(stdout ? ['--stdout', stdout] : []), '--', cmd, ...args],
    { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const m = JSON.parse(out);
  if (m.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${m.status} (see ${stdout ?? logFile})`);
  }
  return {
    wall: m.wall,
    maxrssMb: m.maxrss_mb,
    ...(stdout ? { stdout: readFileSync(stdout, 'utf8') } : {}),
  };
}

/** Times a command `times` times (whole process): median wall (s), peak RSS (MB), the samples. */
export async function measure(cmd, args, { times, ...opts }) {
  const samples = [];
  for (let i = 0; i < times; i++) samples.push(await measureOnce(cmd, args, opts));
  return {
    wall: median(samples.map((s) => s.wall)),
    maxrssMb: median(samples.map((s) => s.maxrssMb)),
    samples: samples.map((s) => s.wall),
  };
}

/** A markdown-style table, columns right-aligned. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padStart(widths[i])).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

/** The results file as it is (`{}` when there is none yet). */
export function readResults(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
}

/** Writes `results` to `path` (pretty JSON, trailing newline), creating its directory. */
export function writeResults(path, results) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

/** `{ add, change, destroy }` of the last plan or apply summary line in a Terraform output. */
export function terraformCounts(output) {
  let counts;
  for (const line of output.split('\n')) counts = summaryCounts(line) ?? counts;
  return counts;
}
