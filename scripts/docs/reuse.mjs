// The pack-and-install flow of docs/reusing-the-packages.md, as data: which packages to pack (in
// dependency order), the tarballs they become, the peer and tool versions to install beside them,
// and which example files make the app. The guide's commands are generated from it and
// scripts/test/pack.test.mjs runs the same flow from it, so the two cannot drift.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Installed beside the tarballs: the peers of the packages, pinned as this repository tests them. */
export const PEERS = ['cdktf', 'constructs', '@cdktf/provider-aws'];
/** Installed as dev dependencies to compile the app and run the cdktf CLI. */
export const TOOLS = ['typescript', 'cdktf-cli'];
/** The example the guide starts from, and the files copied from it into the new project. */
export const EXAMPLE = 'complete-environment';
export const EXAMPLE_FILES = ['main.ts', 'tsconfig.json', 'cdktf.json'];

/**
 * The published packages (`private` unset) in dependency order: `{ dir, name, version, tarball }`,
 * `tarball` being the file name `npm pack` gives it.
 */
export function publishedPackages(root) {
  const all = readdirSync(join(root, 'packages'))
    .sort()
    .map((dir) => ({
      dir: `packages/${dir}`,
      pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
    }))
    .filter(({ pkg }) => !pkg.private);
  const byName = new Map(all.map((p) => [p.pkg.name, p]));
  const ordered = [];
  const visit = (p, path = []) => {
    if (ordered.includes(p)) return;
    if (path.includes(p))
      throw new Error(`dependency cycle: ${[...path, p].map((q) => q.pkg.name)}`);
    for (const dep of Object.keys(p.pkg.dependencies ?? {})) {
      if (byName.has(dep)) visit(byName.get(dep), [...path, p]);
    }
    ordered.push(p);
  };
  all.forEach((p) => visit(p));
  return ordered.map(({ dir, pkg }) => ({
    dir,
    name: pkg.name,
    version: pkg.version,
    tarball: `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`,
  }));
}

/** `name@version` of each of `names`, at the version the root package.json pins. */
export function pinned(root, names) {
  const { devDependencies = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return names.map((name) => {
    if (!devDependencies[name]) throw new Error(`package.json pins no version of ${name}`);
    return `${name}@${devDependencies[name]}`;
  });
}

/** The guide's shell commands, from a clone named `claude-code-bedrock`. */
export function reuseCommands(root) {
  const packages = publishedPackages(root);
  const wrap = (prefix, words) => {
    const lines = [];
    let line = prefix;
    for (const w of words) {
      if (`${line} ${w}`.length > 98) {
        lines.push(`${line} \\`);
        line = `  ${w}`;
      } else line = `${line} ${w}`;
    }
    return [...lines, line].join('\n');
  };
  return [
    '```sh',
    '# 1. In a clone of this repository: build, then pack every published package.',
    'cd claude-code-bedrock',
    'npm ci && npm run build',
    'mkdir -p ../tarballs',
    wrap(
      'npm pack --pack-destination ../tarballs',
      packages.map((p) => `-w ${p.dir}`),
    ),
    '',
    '# 2. A new project beside it: all the tarballs in one install (they depend on each other and',
    '#    are not on the registry), with the peer dependencies at the versions the kit is tested with.',
    'mkdir ../my-claude-stack && cd ../my-claude-stack',
    'npm init -y',
    wrap('npm install', [
      ...packages.map((p) => `../tarballs/${p.tarball}`),
      ...pinned(root, PEERS),
    ]),
    wrap('npm install --save-dev', pinned(root, TOOLS)),
    '',
    `# 3. The app: start from examples/${EXAMPLE}, then compile and synthesize.`,
    `cp ../claude-code-bedrock/examples/${EXAMPLE}/{${EXAMPLE_FILES.join(',')}} .`,
    'npx tsc -p tsconfig.json',
    'npx cdktf synth          # runs node dist/main.js (cdktf.json) and writes cdktf.out/',
    '```',
  ].join('\n');
}
