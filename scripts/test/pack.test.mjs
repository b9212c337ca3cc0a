// Reuse by other teams: packs every publishable package with `npm pack`, checks each tarball holds
// only dist/, README.md and package.json, installs the tarballs into a scratch project outside the
// workspace (with cdktf, constructs and @cdktf/provider-aws as its own dependencies), synthesizes a
// small stack using foundation + allocation from the tarballs and runs `terraform validate` on it.
// A missing `files` entry, a broken `exports` map or a dependency that should be a peer fails here.
// Then the flow of docs/reusing-the-packages.md: a new project with every tarball, the pinned peers
// and typescript, compiling and synthesizing examples/complete-environment.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  EXAMPLE,
  EXAMPLE_FILES,
  PEERS,
  pinned as pinnedSpecs,
  publishedPackages,
} from '../docs/reuse.mjs';
import { ROOT, buildWorkspaces, must, terraformEnv } from '../lib.mjs';

const WORK = join(os.tmpdir(), `ccb-pack-${process.pid}`);
const PACKAGES = readdirSync(join(ROOT, 'packages')).filter(
  (p) => !JSON.parse(readFileSync(join(ROOT, 'packages', p, 'package.json'), 'utf8')).private,
);
const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const pinned = (name) => rootPkg.devDependencies[name];
const tarballs = {};

/** The {@link PEERS} that a package's sources (src/, types included) import, in PEERS order. */
function importedPeers(p) {
  const specifiers = new Set();
  const scan = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) scan(path);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(
          /(?:\bfrom|\bimport|\brequire\()\s*\(?\s*['"]([^'"]+)['"]/g,
        )) {
          specifiers.add(m[1]);
        }
      }
    }
  };
  scan(join(ROOT, 'packages', p, 'src'));
  return PEERS.filter((peer) =>
    [...specifiers].some((s) => s === peer || s.startsWith(`${peer}/`)),
  );
}

before(() => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, 'tarballs'), { recursive: true });
  buildWorkspaces();
  for (const p of PACKAGES) {
    const out = must('npm', ['pack', '--json', '--pack-destination', join(WORK, 'tarballs')], {
      cwd: join(ROOT, 'packages', p),
    }).stdout;
    const [info] = JSON.parse(out);
    tarballs[p] = info;
  }
});

after(() => rmSync(WORK, { recursive: true, force: true }));

describe('published packages', () => {
  it('contain only dist/, README.md and package.json', () => {
    for (const [p, info] of Object.entries(tarballs)) {
      const files = info.files.map((f) => f.path);
      for (const f of files) {
        assert.match(f, /^(dist\/.+|README\.md|package\.json)$/, `${p} ships ${f}`);
      }
      assert.ok(files.includes('dist/index.js'), `${p} has no dist/index.js`);
      assert.ok(files.includes('dist/index.d.ts'), `${p} has no dist/index.d.ts`);
      assert.ok(files.includes('README.md'), `${p} has no README.md`);
    }
  });

  it('declare each of cdktf, constructs and the provider their code imports as a peer', () => {
    for (const p of PACKAGES) {
      const pkg = JSON.parse(readFileSync(join(ROOT, 'packages', p, 'package.json'), 'utf8'));
      for (const peer of PEERS) {
        assert.equal(pkg.dependencies?.[peer], undefined, `${p} depends on ${peer}`);
      }
      for (const peer of importedPeers(p)) {
        assert.ok(pkg.peerDependencies?.[peer], `${p} imports ${peer} in src but lacks the peer`);
      }
    }
    // The scan sees imports by path and type-only imports; Lambda code (the enforcer) has none.
    assert.deepEqual(importedPeers('foundation'), PEERS);
    assert.deepEqual(importedPeers('core'), ['cdktf']);
    assert.deepEqual(importedPeers('enforcer'), []);
  });

  it('install outside the workspace and synthesize a valid stack from foundation + allocation', () => {
    const app = join(WORK, 'consumer');
    mkdirSync(app, { recursive: true });
    const deps = Object.fromEntries(
      Object.entries(tarballs).map(([p, info]) => [
        `@claude-code-bedrock/${p}`,
        `file:${join(WORK, 'tarballs', info.filename)}`,
      ]),
    );
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        dependencies: {
          ...deps,
          cdktf: pinned('cdktf'),
          constructs: pinned('constructs'),
          '@cdktf/provider-aws': pinned('@cdktf/provider-aws'),
        },
      }),
    );
    must('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: app,
    });
    writeFileSync(
      join(app, 'main.js'),
      `
const { App, TerraformStack } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const { DeveloperRole } = require('@claude-code-bedrock/foundation');
const { DeveloperProfiles } = require('@claude-code-bedrock/allocation');
const { resolveTiers } = require('@claude-code-bedrock/core');

const app = new App({ outdir: 'out' });
const stack = new TerraformStack(app, 'consumer');
new AwsProvider(stack, 'aws', { region: 'us-east-1' });
const tiers = resolveTiers({ models: { sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' } });
const context = { project: 'consumer', accountId: '123456789012', region: 'us-east-1' };
new DeveloperRole(stack, 'developers', {
  context,
  trust: { principals: ['arn:aws:iam::123456789012:root'] },
  tiers,
});
new DeveloperProfiles(stack, 'profiles', {
  context,
  tiers,
  developers: [{ id: 'jane.doe@example.com', team: 'platform', costCenter: 'CC-1', tiers: ['sonnet'] }],
});
app.synth();
`,
    );
    must('node', ['main.js'], { cwd: app });
    const stackDir = join(app, 'out', 'stacks', 'consumer');
    const tf = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    assert.ok(tf.resource.aws_iam_role, 'role synthesized');
    assert.ok(tf.resource.aws_bedrock_inference_profile, 'profiles synthesized');
    must('terraform', ['init', '-backend=false', '-input=false', '-no-color'], {
      cwd: stackDir,
      env: terraformEnv(),
    });
    must('terraform', ['validate', '-no-color'], { cwd: stackDir, env: terraformEnv() });
  });

  it('install as docs/reusing-the-packages.md shows and build its example there', () => {
    // The guide's flow (scripts/docs/reuse.mjs): every tarball in one install with the pinned
    // peers, typescript as a dev dependency (the guide also installs cdktf-cli, whose only use
    // here would be to run cdktf.json's app command, which the test runs itself), the example's
    // files, tsc, synth, then an offline terraform validate of what it wrote.
    const packages = publishedPackages(ROOT);
    assert.deepEqual(
      packages.map((p) => p.tarball).sort(),
      Object.values(tarballs)
        .map((info) => info.filename)
        .sort(),
      'the guide names the tarballs npm pack writes',
    );
    const project = join(WORK, 'my-claude-stack');
    mkdirSync(project, { recursive: true });
    must('npm', ['init', '-y'], { cwd: project });
    const install = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'];
    must(
      'npm',
      [
        ...install,
        ...packages.map((p) => join(WORK, 'tarballs', p.tarball)),
        ...pinnedSpecs(ROOT, PEERS),
      ],
      { cwd: project },
    );
    must('npm', [...install, '--save-dev', ...pinnedSpecs(ROOT, ['typescript'])], { cwd: project });
    for (const file of EXAMPLE_FILES) {
      copyFileSync(join(ROOT, 'examples', EXAMPLE, file), join(project, file));
    }
    must(join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: project });
    const { app, output } = JSON.parse(readFileSync(join(project, 'cdktf.json'), 'utf8'));
    must('sh', ['-c', app], {
      cwd: project,
      env: { ...process.env, CDKTF_OUTDIR: join(project, output) },
    });
    const manifest = JSON.parse(readFileSync(join(project, output, 'manifest.json'), 'utf8'));
    const stacks = Object.values(manifest.stacks);
    assert.ok(stacks.length > 0, 'synthesized a stack');
    for (const stack of stacks) {
      const dir = join(project, output, stack.workingDirectory);
      const tf = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
      assert.ok(tf.resource.aws_bedrock_inference_profile, 'the environment has its profiles');
      must('terraform', ['init', '-backend=false', '-input=false', '-no-color'], {
        cwd: dir,
        env: terraformEnv(),
      });
      must('terraform', ['validate', '-no-color'], { cwd: dir, env: terraformEnv() });
    }
  });
});
