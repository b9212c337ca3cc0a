// `npm run build` (scripts/build.mjs): one `tsc -b` over every workspace, dependencies first, then
// the rest of each workspace's build script. Against scratch repositories of tiny workspaces
// (compiled with the repository's TypeScript) and the repository's own plan.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildPlan } from '../build.mjs';
import { ROOT } from '../lib.mjs';

const TMP = mkdtempSync(join(tmpdir(), 'ccb-build-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
let repos = 0;

/**
 * A scratch repository: `workspaces` = { dir: { deps, build, source } } under packages/, each a
 * CommonJS TypeScript package whose src/index.ts is `source`.
 */
function repo(workspaces) {
  const root = join(TMP, String((repos += 1)));
  mkdirSync(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ workspaces: ['packages/*'] }));
  for (const [dir, { deps = [], build, source = 'export const x = 1;\n' }] of Object.entries(
    workspaces,
  )) {
    const at = join(root, 'packages', dir);
    mkdirSync(join(at, 'src'), { recursive: true });
    const dependencies = Object.fromEntries(deps.map((d) => [`@t/${d}`, '*']));
    writeFileSync(
      join(at, 'package.json'),
      JSON.stringify({ name: `@t/${dir}`, scripts: { build }, dependencies }),
    );
    writeFileSync(
      join(at, 'tsconfig.build.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'commonjs',
          target: 'ES2022',
          strict: true,
          declaration: true,
          rootDir: 'src',
          outDir: 'dist',
          types: [],
        },
        include: ['src'],
      }),
    );
    writeFileSync(join(at, 'src', 'index.ts'), source);
  }
  return root;
}

const build = (root) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--root', root], {
    encoding: 'utf8',
  });

describe('npm run build', () => {
  it('orders the workspaces dependencies first, whatever their directory order', () => {
    const root = repo({
      a: { deps: ['c'], build: 'tsc -p tsconfig.build.json' },
      b: { build: 'tsc -p tsconfig.build.json && node -e 1' },
      c: { deps: ['b'], build: 'tsc -p tsconfig.build.json' },
      d: { build: undefined },
    });
    const { workspaces, problems } = buildPlan(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      workspaces.map((w) => [w.name, w.then]),
      [
        ['@t/b', 'node -e 1'],
        ['@t/c', undefined],
        ['@t/a', undefined],
      ],
    );
  });

  it('compiles every workspace and runs the rest of its build script', () => {
    const root = repo({
      one: {
        build: "tsc -p tsconfig.build.json && node -e \"require('fs').writeFileSync('after', '')\"",
      },
      two: { deps: ['one'], build: 'tsc -p tsconfig.build.json' },
    });
    const res = build(root);
    assert.equal(res.status, 0, res.stderr);
    for (const dir of ['one', 'two']) {
      assert.match(
        readFileSync(join(root, 'packages', dir, 'dist', 'index.js'), 'utf8'),
        /exports\.x = 1/,
      );
    }
    assert.ok(existsSync(join(root, 'packages', 'one', 'after')));
    assert.match(res.stderr, /built 2 workspace\(s\)/);
  });

  it('fails on a type error with the compiler report, exit 1', () => {
    const root = repo({
      ok: { build: 'tsc -p tsconfig.build.json' },
      bad: { build: 'tsc -p tsconfig.build.json', source: "export const x: number = 'one';\n" },
    });
    const res = build(root);
    assert.equal(res.status, 1);
    assert.match(res.stdout, /src\/index\.ts\(1,14\): error TS2322/);
    assert.match(res.stderr, /build: tsc -b failed/);
  });

  it("compiles a workspace again when a dependency's types change, and nothing when none did", () => {
    const root = repo({
      a: { build: 'tsc -p tsconfig.build.json', source: 'export const x: number = 1;\n' },
      b: {
        deps: ['a'],
        build: 'tsc -p tsconfig.build.json',
        source: "import { x } from '@t/a';\nexport const y: number = x;\n",
      },
    });
    // b resolves @t/a as npm would: through node_modules, to a's package (its built types).
    mkdirSync(join(root, 'node_modules', '@t'), { recursive: true });
    symlinkSync(join(root, 'packages', 'a'), join(root, 'node_modules', '@t', 'a'));
    writeFileSync(
      join(root, 'packages', 'a', 'package.json'),
      JSON.stringify({
        name: '@t/a',
        main: 'dist/index.js',
        types: 'dist/index.d.ts',
        scripts: { build: 'tsc -p tsconfig.build.json' },
      }),
    );
    const first = build(root);
    assert.equal(first.status, 0, first.stdout + first.stderr);
    const output = join(root, 'packages', 'b', 'dist', 'index.js');
    const before = statSync(output).mtimeMs;
    // Nothing changed: nothing is written again.
    assert.equal(build(root).status, 0);
    assert.equal(statSync(output).mtimeMs, before);
    // a now exports a string: b's own files did not change, but b no longer type-checks.
    writeFileSync(join(root, 'packages', 'a', 'src', 'index.ts'), "export const x = 'one';\n");
    const res = build(root);
    assert.equal(res.status, 1);
    assert.match(res.stdout, /packages\/b\/src\/index\.ts\(2,14\): error TS2322/);
  });

  it('fails when the rest of a build script fails, exit 1', () => {
    const root = repo({ a: { build: 'tsc -p tsconfig.build.json && node -e "process.exit(3)"' } });
    const res = build(root);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /build: packages\/a: 'node -e "process.exit\(3\)"' failed/);
  });

  it('refuses, all at once and before compiling, build scripts it cannot run: exit 2', () => {
    const root = repo({
      a: { build: 'tsc -p tsconfig.build.json' },
      b: { build: 'webpack' },
      c: { build: 'tsc --build' },
      d: { deps: ['e'], build: 'tsc -p tsconfig.build.json' },
      e: { deps: ['d'], build: 'tsc -p tsconfig.build.json' },
    });
    const res = build(root);
    assert.equal(res.status, 2);
    assert.deepEqual(res.stderr.trim().split('\n'), [
      "build: packages/b: build script 'webpack' is not 'tsc -p <config> [&& <command>]'",
      "build: packages/c: build script 'tsc --build' is not 'tsc -p <config> [&& <command>]'",
      'build: dependency cycle among @t/d, @t/e',
    ]);
    assert.equal(existsSync(join(root, 'packages', 'a', 'dist')), false);
    const usage = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--root'], {
      encoding: 'utf8',
    });
    assert.equal(usage.status, 2);
    assert.equal(usage.stderr.trim(), 'usage: node scripts/build.mjs [--root <dir>]');
  });

  it("builds this repository's workspaces with their own build scripts, packages before apps", () => {
    const { workspaces, problems } = buildPlan();
    assert.deepEqual(problems, []);
    const names = workspaces.map((w) => w.name);
    const at = (n) => names.indexOf(`@claude-code-bedrock/${n}`);
    assert.ok(
      at('core') < at('stack') && at('stack') < at('app-dev') && at('stack') < at('app-prod'),
    );
    assert.ok(at('enforcer') < at('budgets'));
    assert.equal(workspaces.find((w) => w.name.endsWith('/enforcer')).then, 'node build.mjs');
  });
});
