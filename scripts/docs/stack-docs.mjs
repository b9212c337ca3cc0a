// Reference tables read from the kit itself (the built packages): the configuration schema, the
// outputs of an environment stack and which construct of which package makes each Terraform
// resource type.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The built kit, loaded from `root`'s node_modules: cdktf, zod, core, stack, and a map from every
 * class exported by the stack package or one of the kit's packages it composes to that package.
 */
export function loadKit(root) {
  const require = createRequire(join(root, 'package.json'));
  const core = require('@claude-code-bedrock/core');
  const stackPkg = require('@claude-code-bedrock/stack/package.json');
  const names = [
    stackPkg.name,
    ...Object.keys(stackPkg.dependencies ?? {}).filter((n) =>
      n.startsWith('@claude-code-bedrock/'),
    ),
  ];
  const classes = new Map();
  for (const name of names.sort()) {
    for (const value of Object.values(require(name))) {
      if (typeof value === 'function' && value.prototype) classes.set(value, name);
    }
  }
  return {
    cdktf: require('cdktf'),
    // The zod that built the schema (core's own dependency), so toJSONSchema understands it.
    zod: createRequire(require.resolve('@claude-code-bedrock/core'))('zod'),
    core,
    stack: require('@claude-code-bedrock/stack'),
    classes,
  };
}

/** The JSON Schema of the config file as written (defaults optional). */
export function configJsonSchema(kit) {
  return kit.zod.toJSONSchema(kit.core.EnvironmentConfigSchema, {
    io: 'input',
    unrepresentable: 'any',
  });
}

/** An environment stack built from a config file, in its own cdktf app. */
export function environmentStack(kit, configPath) {
  const config = kit.core.loadConfigFile(configPath);
  const app = kit.cdktf.Testing.app();
  const stack = new kit.stack.ClaudeCodeBedrockStack(app, config.environment, { config });
  return { app, stack };
}

/** Output rows `{ name, description, sensitive }` of a synthesized stack, by name. */
export function outputRows(kit, stack) {
  const tf = JSON.parse(kit.cdktf.Testing.synth(stack));
  return Object.entries(tf.output ?? {})
    .map(([name, o]) => ({
      name,
      description: o.description ?? '',
      sensitive: o.sensitive === true,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function outputsTable(rows) {
  const text = (s) => s.replace(/[\\`*|<>[\]]/g, (c) => `\\${c}`);
  return [
    '| output | description | sensitive |',
    '| --- | --- | --- |',
    ...rows.map(
      (r) => `| \`${r.name}\` | ${text(r.description)} | ${r.sensitive ? 'yes' : 'no'} |`,
    ),
  ].join('\n');
}

/**
 * Which construct makes each resource and data source type in the stacks of `apps`: rows
 * `{ type, construct, package, paths }`. The construct is the innermost scope of the resource
 * whose class a package exports (the stack itself when none is); `paths` are that construct's
 * paths inside its stack, over every app.
 */
export function architectureRows(kit, apps) {
  const { TerraformDataSource, TerraformResource, TerraformStack } = kit.cdktf;
  const rows = new Map();
  for (const app of apps) {
    for (const stack of app.node.findAll().filter((c) => TerraformStack.isStack(c))) {
      for (const node of stack.node.findAll()) {
        const data = node instanceof TerraformDataSource;
        if (!data && !(node instanceof TerraformResource)) continue;
        let owner = node.node.scope;
        while (owner !== stack && !kit.classes.has(owner.constructor)) owner = owner.node.scope;
        const type = `${data ? 'data.' : ''}${node.terraformResourceType}`;
        const construct = owner.constructor.name;
        const pkg = kit.classes.get(owner.constructor) ?? '(the app)';
        const path = owner === stack ? '' : owner.node.path.slice(stack.node.path.length + 1);
        const key = `${type} ${construct} ${pkg}`;
        const row = rows.get(key) ?? { type, construct, package: pkg, paths: new Set() };
        row.paths.add(path);
        rows.set(key, row);
      }
    }
  }
  const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows.values()]
    .map((r) => ({ ...r, paths: [...r.paths].sort(byName) }))
    .sort(
      (a, b) =>
        byName(a.type, b.type) || byName(a.package, b.package) || byName(a.construct, b.construct),
    );
}

export function architectureTable(rows) {
  const where = (paths) =>
    paths.map((p) => (p === '' ? 'the stack itself' : `\`${p}\``)).join(', ');
  return [
    '| Terraform resource type | construct (path in the stack) | package |',
    '| --- | --- | --- |',
    ...rows.map(
      (r) => `| \`${r.type}\` | \`${r.construct}\` (${where(r.paths)}) | \`${r.package}\` |`,
    ),
  ].join('\n');
}

/**
 * The repository's workspaces (root package.json `workspaces`, globs of one trailing `*`), in that
 * order: `{ dir, name, description, published }`.
 */
export function workspaceRows(root) {
  const read = (dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const rows = [];
  for (const pattern of read('.').workspaces ?? []) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)))
          .sort()
          .map((d) => `${pattern.slice(0, -2)}/${d}`)
      : [pattern];
    for (const dir of dirs.filter((d) => existsSync(join(root, d, 'package.json')))) {
      const pkg = read(dir);
      rows.push({
        dir,
        name: pkg.name,
        description: pkg.description ?? '',
        published: !pkg.private,
      });
    }
  }
  return rows;
}

/** The workspaces as a list, for a Markdown file in docs/. */
export function workspacesTable(rows) {
  return rows
    .map(
      (r) =>
        `- [\`${r.dir}/\`](../${r.dir}) \`${r.name}\`${r.published ? '' : ' (private)'}: ${r.description}`,
    )
    .join('\n');
}

/**
 * The examples (`examples/<scenario>` with a package.json): `{ dir, description, packages }`,
 * `packages` being the kit packages it depends on.
 */
export function exampleRows(root) {
  if (!existsSync(join(root, 'examples'))) return [];
  return readdirSync(join(root, 'examples'))
    .sort()
    .filter((d) => existsSync(join(root, 'examples', d, 'package.json')))
    .map((d) => {
      const pkg = JSON.parse(readFileSync(join(root, 'examples', d, 'package.json'), 'utf8'));
      return {
        dir: d,
        description: (pkg.description ?? '').replace(/^Example: /, ''),
        packages: Object.keys(pkg.dependencies ?? {})
          .filter((n) => n.startsWith('@claude-code-bedrock/'))
          .map((n) => n.slice('@claude-code-bedrock/'.length)),
      };
    });
}

/** The examples as a table, for a Markdown file in docs/. */
export function examplesTable(rows) {
  return [
    '| example | packages | what it builds |',
    '| --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| [${r.dir}](../examples/${r.dir}) | ${r.packages.map((p) => `[${p}](../packages/${p}/README.md)`).join(', ')} | ${r.description} |`,
    ),
  ].join('\n');
}
