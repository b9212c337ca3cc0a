// The benchmark's day-2 scenarios (scripts/bench/day2.mjs) at a tiny roster, so their code paths
// cannot rot while the heavy sizes stay out of CI: the sharded variant and the plain-HCL baseline
// are each applied to their own emulator, one developer is added and deployed, and a plan with
// refresh runs under the rate limits. (The single-stack variant is the sharded one's code,
// deployedEnvironment in day2.mjs, without --changed and sharding; it is left out to keep CI short.) The
// figures mean nothing at this size; the test checks the result shape, that each variant deployed
// exactly the change, and that the results file keeps what it held. Needs python3 + moto and
// terraform; `npm run build` first (npm test does).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../lib.mjs';
import { benchTeams } from '../bench/roster.mjs';

const TMP = mkdtempSync(join(tmpdir(), 'ccb-bench-day2-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
const DEVELOPERS = 8;
// Teams of 4: two teams at 8 developers, so --changed has a shard to leave alone.
const TEAM_SIZE = 4;
const TEAMS = benchTeams(DEVELOPERS, { teamSize: TEAM_SIZE });

function bench(args, out) {
  return spawnSync(
    'node',
    [
      join(ROOT, 'scripts', 'bench', 'bench.mjs'),
      ...args,
      '--out',
      out,
      '--work',
      join(TMP, 'work'),
      // The tests run on a built tree (npm test builds first).
      '--skip-build',
    ],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}

test('bad options: one line each, all at once, exit 2, nothing written', () => {
  const out = join(TMP, 'bad.json');
  const res = bench(
    [
      ...['--scenarios', 'add-developer,replay', '--variants', 'single,pulumi'],
      ...['--day2-sizes', '0,x', '--team-size', '0'],
    ],
    out,
  );
  assert.equal(res.status, 2, res.stderr);
  assert.deepEqual(res.stderr.trim().split('\n'), [
    'bench: --scenarios: unknown scenario replay (scenarios: first-deploy, enforcer, add-developer, refresh)',
    'bench: --variants: unknown variant pulumi (variants: sharded, single, hcl)',
    'bench: --day2-sizes must list positive integers (got 0,x)',
    'bench: --team-size must be a positive integer (got 0)',
  ]);
  assert.equal(existsSync(out), false);
  const unknown = bench(['--day2-size', '10'], out);
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr.trim(), "bench: Unknown option '--day2-size'");
  assert.equal(existsSync(out), false);
});

test('add-developer and refresh at 8 developers: sharded and baseline measured, results merged', () => {
  const out = join(TMP, 'results.json');
  // What an earlier bench run left: other scenarios' figures and a heavier day-2 row.
  const earlier = {
    generatedAt: '2026-01-01T00:00:00.000Z',
    results: [{ developers: 10, planS: 12.6 }],
    enforcer: [{ scenario: 'steady', recordsPerSecond: 1 }],
    day2: {
      addDeveloper: [{ developers: 5000, variant: 'sharded', wallS: 20.5 }],
      refresh: [],
      setup: [],
    },
  };
  writeFileSync(out, JSON.stringify(earlier));
  const res = bench(
    [
      ...['--scenarios', 'add-developer,refresh', '--runs', '1', '--day2-concurrency', '2'],
      ...['--variants', 'sharded,hcl'],
      ...['--day2-sizes', String(DEVELOPERS), '--refresh-sizes', String(DEVELOPERS)],
      ...['--team-size', String(TEAM_SIZE)],
    ],
    out,
  );
  assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
  const saved = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(saved.results, earlier.results);
  assert.deepEqual(saved.enforcer, earlier.enforcer);
  assert.equal(saved.generatedAt, earlier.generatedAt);
  const { setup, addDeveloper, refresh, machine, roster } = saved.day2;
  assert.equal(machine.runsPerFigure, 1);
  assert.equal(roster.teamSize, TEAM_SIZE);
  assert.equal(machine.loadavgAtStart.length, 3);
  const at = (rows) => rows.filter((r) => r.developers === DEVELOPERS);
  const variants = (rows) => at(rows).map((r) => r.variant);
  assert.deepEqual(variants(setup), ['sharded', 'hcl']);
  assert.deepEqual(variants(addDeveloper), ['sharded', 'hcl']);
  assert.deepEqual(variants(refresh), ['sharded', 'hcl']);
  // The earlier run's row is kept (rows are sorted by size, then variant).
  assert.deepEqual(addDeveloper.at(-1), earlier.day2.addDeveloper[0]);

  assert.deepEqual(TEAMS, ['team000', 'team001']);
  const stacks = { sharded: 1 + TEAMS.length, single: 1, hcl: 1 };
  const seconds = (x) => assert.ok(Number.isFinite(x) && x > 0 && x < 900, `seconds: ${x}`);
  const load = (l) => assert.ok(l.start.length === 3 && l.end.length === 3, JSON.stringify(l));
  for (const row of at(setup)) {
    assert.equal(row.stacks, stacks[row.variant], row.variant);
    assert.equal(row.teams, TEAMS.length, row.variant);
    assert.ok(row.resources > 50, `${row.variant}: ${row.resources} resources`);
    seconds(row.wallS);
    load(row.loadavg);
  }
  // The 9th developer (index 8) joins the first of the existing teams (no third team for 9
  // developers) and the opus group: two profiles and a budget, in that team's shard only.
  const team = TEAMS[DEVELOPERS % TEAMS.length];
  const applied = { sharded: [`bench-${team}`], single: ['bench'], hcl: ['hcl'] };
  for (const row of at(addDeveloper)) {
    seconds(row.wallS);
    assert.equal(row.samples.length, 1);
    assert.equal(row.runs[0].developers, DEVELOPERS + 1);
    assert.deepEqual(
      row.runs[0].stacks.map((s) => s.name),
      applied[row.variant],
      row.variant,
    );
    assert.equal(row.runs[0].stacks[0].add, 3, row.variant);
    assert.equal(row.runs[0].stacks[0].destroy, 0, row.variant);
    if (row.variant === 'hcl') assert.equal(row.unchangedS, null);
    else seconds(row.unchangedS);
    assert.match(row.command, row.variant === 'sharded' ? /--changed/ : /./);
    load(row.loadavg);
  }
  // The changed shard's directory was initialized by the setup for the same backend and
  // providers (cdktf synth keeps .terraform): its apply ran without a second terraform init.
  const sharded = at(addDeveloper).find((r) => r.variant === 'sharded');
  assert.equal(sharded.runs[0].stacks[0].init, 'skipped');
  for (const row of at(refresh)) {
    assert.equal(row.stacks, stacks[row.variant], row.variant);
    seconds(row.wallS);
    // The limits were on (they counted the refresh's calls) and the environment is as applied.
    assert.ok(row.limitedRequestsPerRun > 0, `${row.variant}: ${row.limitedRequestsPerRun}`);
    assert.ok(row.throttledPerRun >= 0);
    assert.equal(row.planChanges, 0, row.variant);
    load(row.loadavg);
  }
  assert.match(res.stdout, /day 2, add one developer/);
  assert.match(res.stdout, /day 2, terraform plan with refresh, emulator rate limits on/);
});

test('the baseline above --hcl-day2-max is recorded as skipped, with the reason', () => {
  const out = join(TMP, 'skipped.json');
  const res = bench(
    [
      '--scenarios',
      'refresh',
      '--refresh-sizes',
      '20',
      '--variants',
      'hcl',
      '--hcl-day2-max',
      '10',
    ],
    out,
  );
  assert.equal(res.status, 0, res.stderr);
  const { refresh, setup } = JSON.parse(readFileSync(out, 'utf8')).day2;
  for (const row of [...refresh, ...setup]) {
    assert.equal(row.wallS, null);
    assert.match(row.skipped, /O\(n²\).*--hcl-day2-max 10/);
  }
  assert.equal(refresh.length, 1);
});
