#!/usr/bin/env node
// Synthesizes every environment app and every example (examples/<scenario>) and runs
// `terraform init` + `terraform validate` on each stack, offline (provider from the filesystem
// mirror, no backend). Exits non-zero on any error.
// Usage: node scripts/validate.mjs [app | examples/<scenario> ...]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  ROOT,
  listApps,
  listExamples,
  must,
  run,
  synthApp,
  synthDirectory,
  terraformEnv,
} from './lib.mjs';

const args = process.argv.slice(2);
const apps =
  args.length > 0
    ? args
    : [...listApps(), ...listExamples().map((example) => `examples/${example}`)];
must('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: ROOT });
let failed = 0;
for (const app of apps) {
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
}
// The dev app once more with allocation sharded by team (one extra stack per team, holding the
// team's profiles and per-developer budgets).
if (args.length === 0) {
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
