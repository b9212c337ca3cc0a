// `npm run reconcile` knows every resource type the apps create: each managed resource type of the
// synthesized dev and prod apps, and of dev sharded by team, is either adopted by its natural id
// (scripts/reconcile/types.mjs ADOPTED) or documented as idempotent (IDEMPOTENT). A type added to
// a construct without a decision here fails this test, so an interrupted apply can never orphan an
// object of a type nobody thought about. Needs `npm run build` first (npm test does).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { ROOT, synthApp } from '../lib.mjs';
import { ADOPTED, IDEMPOTENT } from '../reconcile/types.mjs';

const TMP = mkdtempSync(join(tmpdir(), 'ccb-reconcile-types-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

/** The managed resource types of every stack of `app` synthesized with `config` (or its own). */
function resourceTypes(app, name, config) {
  const env = {};
  if (config) {
    env.CCB_CONFIG = join(TMP, `${name}.yaml`);
    writeFileSync(env.CCB_CONFIG, stringify(config));
  }
  const dirs = synthApp(app, { outdir: join(TMP, name), env });
  return new Set(
    dirs.flatMap((dir) =>
      Object.keys(JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')).resource ?? {}),
    ),
  );
}

const devConfig = parse(readFileSync(join(ROOT, 'apps', 'dev', 'config.yaml'), 'utf8'));
const APPS = {
  dev: () => resourceTypes('dev', 'dev'),
  prod: () => resourceTypes('prod', 'prod'),
  'dev sharded by team': () =>
    resourceTypes('dev', 'dev-sharded', {
      ...devConfig,
      allocation: { shardBy: 'team' },
      budgets: { ...devConfig.budgets, perDeveloper: { enabled: true, enforce: false } },
    }),
};

describe('every resource type the apps create is known to npm run reconcile', () => {
  for (const [name, types] of Object.entries(APPS)) {
    it(name, () => {
      const found = types();
      assert.ok(found.size > 10, `${name}: only ${[...found]}`);
      const unknown = [...found].filter((t) => !ADOPTED[t] && !IDEMPOTENT[t]).sort();
      assert.deepEqual(unknown, [], `${name}: add these types to scripts/reconcile/types.mjs`);
    });
  }

  it('classifies each type once, adopted types with a natural id and a lookup', () => {
    const both = Object.keys(ADOPTED).filter((t) => IDEMPOTENT[t]);
    assert.deepEqual(both, []);
    for (const [type, entry] of Object.entries(ADOPTED)) {
      assert.equal(typeof entry.found, 'string', type);
      assert.equal(typeof entry.key, 'function', type);
      assert.equal(typeof entry.find, 'function', type);
    }
    for (const [type, why] of Object.entries(IDEMPOTENT)) {
      assert.ok(typeof why === 'string' && why.length > 10, type);
    }
  });
});
