#!/usr/bin/env node
// Generates the reference parts of the documentation from the kit itself and checks the links:
// - docs/configuration.md: the configuration reference, from the core config schema (JSON Schema)
//   and the descriptions in its zod metadata (a key without one fails both modes);
// - docs/outputs.md: the outputs of the dev app's stack (name, description, sensitive);
// - docs/architecture.md: Terraform resource type -> construct -> package, over the dev and prod
//   stacks, and the workspaces with their package.json descriptions;
// - docs/reusing-the-packages.md: the pack-and-install commands (scripts/docs/reuse.mjs);
// - every README/docs snippet included from examples/ (a file, or a #region of one).
// Each lives in a generated region of a Markdown file (see scripts/docs/markdown.mjs); the rest of
// the file is written by hand. Output is Prettier-formatted, so it is stable.
//
// Usage: node scripts/docs.mjs [--check] [--root <dir>] [--no-build]
//   (no flag)  rewrite the files whose generated regions are stale
//   --check    write nothing; exit 1 listing the stale files (npm test runs this)
//   --root     the tree whose Markdown files and examples are read (default: this repository;
//              the kit is always this repository's build)
// Broken relative links (a missing file or heading anchor) fail both modes.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { configList, configRows } from './docs/config-reference.mjs';
import { brokenLinks, fillRegions, regionSources } from './docs/markdown.mjs';
import { reuseCommands } from './docs/reuse.mjs';
import {
  architectureRows,
  architectureTable,
  configJsonSchema,
  environmentStack,
  exampleRows,
  examplesTable,
  loadKit,
  outputRows,
  outputsTable,
  workspaceRows,
  workspacesTable,
} from './docs/stack-docs.mjs';
import { ROOT, buildWorkspaces } from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    root: { type: 'string', default: ROOT },
    'no-build': { type: 'boolean', default: false },
  },
});
const root = resolve(opts.root);

if (!opts['no-build']) {
  buildWorkspaces();
}

/** The Markdown files that may hold generated regions or links: READMEs and docs/. */
function markdownFiles() {
  const list = (dir, pick) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir))
          .sort()
          .map(pick)
          .filter((f) => f && existsSync(join(root, f)))
      : [];
  return [
    'README.md',
    ...list('docs', (f) => (f.endsWith('.md') ? `docs/${f}` : undefined)),
    ...list('packages', (p) => `packages/${p}/README.md`),
    'examples/README.md',
    ...list('examples', (e) => `examples/${e}/README.md`),
  ].filter((f) => existsSync(join(root, f)));
}

/** The generated tables, each built once and only when a file asks for it. */
function tableRenderer() {
  let loaded;
  const kit = () => (loaded ??= loadKit(ROOT));
  const stacks = new Map();
  const stackOf = (env) => {
    if (!stacks.has(env)) {
      stacks.set(env, environmentStack(kit(), join(ROOT, 'apps', env, 'config.yaml')));
    }
    return stacks.get(env);
  };
  const build = {
    'config-reference': () => configList(configRows(configJsonSchema(kit()))),
    outputs: () => outputsTable(outputRows(kit(), stackOf('dev').stack)),
    architecture: () =>
      architectureTable(architectureRows(kit(), [stackOf('dev').app, stackOf('prod').app])),
    workspaces: () => workspacesTable(workspaceRows(root)),
    examples: () => examplesTable(exampleRows(root)),
    'reuse-commands': () => reuseCommands(root),
  };
  const cache = new Map();
  return (source) => {
    if (!Object.hasOwn(build, source)) return undefined;
    if (!cache.has(source)) cache.set(source, build[source]());
    return cache.get(source);
  };
}

const render = tableRenderer();
const stale = [];
const problems = [];
for (const file of markdownFiles()) {
  const path = join(root, file);
  const current = readFileSync(path, 'utf8');
  let next = current;
  if (regionSources(current).length > 0) {
    try {
      const filled = fillRegions(current, { root, render });
      const config = (await prettier.resolveConfig(path)) ?? {};
      next = await prettier.format(filled, { ...config, filepath: path });
    } catch (err) {
      problems.push(`${file}: ${err.message}`);
      continue;
    }
  }
  for (const { link, problem } of brokenLinks(root, file, next)) {
    problems.push(`${file}: link ${link}: ${problem}`);
  }
  if (next === current) continue;
  stale.push(file);
  if (!opts.check) writeFileSync(path, next);
}

for (const p of problems) console.error(`✗ ${p}`);
if (opts.check) {
  if (stale.length > 0) {
    console.error(
      `✗ generated documentation is stale; run 'npm run docs' and commit:\n${stale.map((f) => `  ${f}`).join('\n')}`,
    );
  } else if (problems.length === 0) console.log('✓ generated documentation is up to date');
} else {
  for (const f of stale) console.log(`wrote ${relative(process.cwd(), join(root, f)) || f}`);
}
process.exit(problems.length > 0 || (opts.check && stale.length > 0) ? 1 : 0);
