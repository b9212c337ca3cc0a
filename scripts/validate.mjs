#!/usr/bin/env node
// Synthesizes every environment app and every example (examples/<scenario>) and runs
// `terraform init` + `terraform validate` on each stack, offline (provider from the filesystem
// mirror, no backend). Exits non-zero on any error. Apps are validated two at a time (each in its
// own process, its report printed whole when it ends); VALIDATE_JOBS sets how many.
// Usage: node scripts/validate.mjs [app | examples/<scenario> ...]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  ROOT,
  buildWorkspaces,
  listApps,
  listExamples,
  must,
  run,
  synthApp,
  synthDirectory,
  terraformEnv,
} from './lib.mjs';

// The dev app once more with allocation sharded by team (one extra stack per team).
const SHARDED = ':dev-sharded';
const CHILD = '--built'; // internal: the parent built the packages; validate the one app named
const args = process.argv.slice(2);

if (args[0] !== CHILD) {
  const apps =
    args.length > 0
      ? args
      : [...listApps(), ...listExamples().map((example) => `examples/${example}`), SHARDED];
  buildWorkspaces();
  const jobs = Number(process.env.VALIDATE_JOBS) || Math.min(2, availableParallelism());
  process.exit((await pool(apps, jobs)) > 0 ? 1 : 0);
}

/** Validates each app in its own process, `jobs` at a time; resolves to how many failed. */
async function pool(apps, jobs) {
  let failures = 0;
  const queue = [...apps];
  const worker = async () => {
    for (let app = queue.shift(); app !== undefined; app = queue.shift()) {
      const child = spawn(process.execPath, [process.argv[1], CHILD, app], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise((resolve) => child.on('close', resolve));
      process.stdout.write(out);
      process.stderr.write(err);
      if (code !== 0) failures++;
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return failures;
}

const app = args[1];
let failed = 0;
if (app !== SHARDED) {
  const started = Date.now();
  try {
    const stackDirs = app.includes('/')
      ? synthDirectory(join(ROOT, app))
      : synthApp(app, { outdir: join(ROOT, 'apps', app, 'cdktf.out') });
    for (const dir of stackDirs) {
      const label = stackDirs.length > 1 ? `${app} (stack ${basename(dir)})` : app;
      must('terraform', ['init', '-backend=false', '-input=false', '-no-color'], {
        cwd: dir,
        env: terraformEnv(),
      });
      const res = run('terraform', ['validate', '-json', '-no-color'], {
        cwd: dir,
        env: terraformEnv(),
        capture: true,
      });
      const report = JSON.parse(res.stdout || '{}');
      const problems = (report.diagnostics ?? []).filter((d) => d.severity === 'error');
      const warnings = (report.diagnostics ?? []).filter((d) => d.severity === 'warning');
      if (res.status !== 0 || !report.valid) {
        failed++;
        console.error(`✗ ${label}: terraform validate found ${problems.length} error(s):`);
        for (const d of problems)
          console.error(`  - ${d.summary}: ${d.detail ?? ''} ${d.address ?? ''}`);
      } else {
        console.log(
          `✓ ${label}: valid (${warnings.length} warning(s)) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
        for (const d of warnings) console.log(`  ! ${d.summary}: ${d.detail ?? ''}`);
      }
    }
  } catch (err) {
    failed++;
    console.error(`✗ ${app}: ${err.message}`);
  }
} else {
  // The team stacks hold the team's profiles and per-developer budgets.
  const dir = mkdtempSync(join(tmpdir(), 'ccb-validate-sharded-'));
  const config = parse(readFileSync(join(ROOT, 'apps', 'dev', 'config.yaml'), 'utf8'));
  config.allocation = { ...(config.allocation ?? {}), shardBy: 'team' };
  config.budgets = {
    ...config.budgets,
    // Spend caps need the profiles in the environment stack (the config check refuses both).
    perDeveloper: { ...(config.budgets?.perDeveloper ?? {}), enabled: true, enforce: false },
  };
  writeFileSync(join(dir, 'config.yaml'), stringify(config));
  try {
    const dirs = synthApp('dev', {
      outdir: join(dir, 'cdktf.out'),
      env: { CCB_CONFIG: join(dir, 'config.yaml'), CCB_STATE_DIR: dir },
    });
    for (const stackDir of dirs) {
      must('terraform', ['init', '-backend=false', '-input=false', '-no-color'], {
        cwd: stackDir,
        env: terraformEnv(),
      });
      must('terraform', ['validate', '-no-color'], { cwd: stackDir, env: terraformEnv() });
    }
    console.log(`✓ dev sharded by team: ${dirs.length} stacks valid`);
  } catch (err) {
    failed++;
    console.error(`✗ dev sharded by team: ${err.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.exit(failed > 0 ? 1 : 0);
