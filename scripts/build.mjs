#!/usr/bin/env node
// Builds every workspace (`npm run build`) in one TypeScript process: `tsc -b` over the config each
// workspace's own `build` script compiles, dependencies first, so the definitions they all load
// (cdktf, the provider bindings, Node's) are parsed once instead of once per workspace (about a
// quarter of the CPU time); then the rest of each `build` script (the enforcer's bundle). The
// workspaces' `build` scripts stay the one description of their build: a script that is not
// `tsc -p <config>` optionally followed by `&& <command>` is refused. `turbo run build` runs those
// scripts one workspace at a time (`npm run release`; with --filter, one workspace and its deps).
//
//   node scripts/build.mjs [--root <dir>]
//
// Exit: 0 built, 1 a compile or bundle failed (its output above), 2 a build script this cannot run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib.mjs';

const TYPESCRIPT = join(ROOT, 'node_modules', 'typescript');
const ts = createRequire(import.meta.url)(TYPESCRIPT);

/** The workspace directories the root package.json names (`dir/*` globs and plain paths). */
export function workspaceDirs(root = ROOT) {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [join(root, pattern)];
    const parent = join(root, pattern.slice(0, -2));
    return readdirSync(parent, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(parent, e.name, 'package.json')))
      .map((e) => join(parent, e.name))
      .sort();
  });
}

const BUILD_SCRIPT = /^tsc -p (\S+)(?: && (.+))?$/;

/**
 * The workspaces that have a `build` script, dependencies first (ties in directory order):
 * `{ workspaces: [{ name, dir, config, then, deps }], problems }`, `config` the tsconfig its script
 * compiles, `then` the command it runs after (or undefined) and `deps` the names of the built
 * workspaces it depends on; `problems` names each build script that is not
 * `tsc -p <config> [&& <command>]`.
 */
export function buildPlan(root = ROOT) {
  const all = workspaceDirs(root).map((dir) => ({
    dir,
    pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
  }));
  const names = new Set(all.map((w) => w.pkg.name));
  const problems = [];
  const built = [];
  for (const { dir, pkg } of all) {
    const script = pkg.scripts?.build;
    if (!script) continue;
    const found = BUILD_SCRIPT.exec(script.trim());
    if (!found) {
      problems.push(
        `${relative(root, dir)}: build script '${script}' is not 'tsc -p <config> [&& <command>]'`,
      );
      continue;
    }
    const deps = Object.keys({
      ...pkg.dependencies,
      ...pkg.devDependencies,
      ...pkg.peerDependencies,
    }).filter((d) => names.has(d) && d !== pkg.name);
    built.push({ name: pkg.name, dir, config: join(dir, found[1]), then: found[2], deps });
  }
  // Dependencies first: each round takes the workspaces whose built dependencies are all placed.
  const ordered = [];
  const placed = new Set(names);
  for (const w of built) placed.delete(w.name);
  let rest = built;
  while (rest.length > 0) {
    const ready = rest.filter((w) => w.deps.every((d) => placed.has(d)));
    if (ready.length === 0) {
      problems.push(`dependency cycle among ${rest.map((w) => w.name).join(', ')}`);
      break;
    }
    for (const w of ready) placed.add(w.name);
    ordered.push(...ready);
    rest = rest.filter((w) => !ready.includes(w));
  }
  return {
    workspaces: ordered,
    problems,
  };
}

/**
 * What `tsc -b` knows of a workspace: where it records the last build (its `.tsbuildinfo`) and
 * the files that build reads (the config, the configs it extends, the sources it includes).
 */
export function buildInputs(config) {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    config,
    { tscBuild: true },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!parsed) return { info: undefined, files: [config] };
  const extended = [...(parsed.options.configFile?.extendedSourceFiles ?? [])];
  return {
    info: ts.getTsBuildInfoEmitOutputFilePath(parsed.options),
    files: [config, ...extended, ...parsed.fileNames],
  };
}

const mtime = (path) => (path && existsSync(path) ? statSync(path).mtimeMs : undefined);

/**
 * Makes `tsc -b` compile again every workspace whose dependency changed: without project
 * references it checks a workspace against its own files only, so a dependency's new types would
 * not be checked against its dependents. A workspace is rebuilt when it has no build record, one of
 * its files is newer than that record, or one of its dependencies is rebuilt or was built after it;
 * the record of a workspace rebuilt for its dependencies' sake is removed.
 */
export function invalidateDependents(workspaces) {
  const built = new Map();
  const rebuilt = new Set();
  for (const w of workspaces) {
    const { info, files } = buildInputs(w.config);
    const at = mtime(info);
    built.set(w.name, at);
    const own = at === undefined || files.some((f) => (mtime(f) ?? Infinity) > at);
    const byDeps = w.deps.some((d) => rebuilt.has(d) || (built.get(d) ?? 0) > (at ?? 0));
    if (own || byDeps) rebuilt.add(w.name);
    if (byDeps && !own) rmSync(info, { force: true });
  }
}

function main(argv) {
  // --root <dir>: another repository's workspaces (the tests'), compiled with this TypeScript.
  const at = argv.indexOf('--root');
  const root = at === -1 ? ROOT : argv[at + 1];
  if (!root || argv.length !== (at === -1 ? 0 : 2)) {
    console.error('usage: node scripts/build.mjs [--root <dir>]');
    return 2;
  }
  const { workspaces, problems } = buildPlan(root);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`build: ${problem}`);
    return 2;
  }
  const started = Date.now();
  invalidateDependents(workspaces);
  const tsc = spawnSync(
    process.execPath,
    [join(TYPESCRIPT, 'bin', 'tsc'), '-b', ...workspaces.map((w) => relative(root, w.config))],
    { cwd: root, stdio: 'inherit' },
  );
  if (tsc.status !== 0) {
    console.error(`build: tsc -b failed (${tsc.signal ?? `exit ${tsc.status}`})`);
    return 1;
  }
  for (const w of workspaces.filter((x) => x.then)) {
    const step = spawnSync(w.then, { cwd: w.dir, shell: true, stdio: 'inherit' });
    if (step.status !== 0) {
      console.error(`build: ${relative(root, w.dir)}: '${w.then}' failed`);
      return 1;
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(`built ${workspaces.length} workspace(s) in ${seconds} s`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(main(process.argv.slice(2)));
}
