// The documentation generator (scripts/docs.mjs): the config reference from a JSON Schema, the
// generated regions and included snippets, the link check, the tables read from the built kit, and
// the CLI's --check on a copy of the repository (stale after a doc or an example changes, fixed by a
// write run). Needs the packages built (npm run build).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONFIG_DESCRIPTIONS } from '../docs/config-descriptions.mjs';
import { configList, configRows, flow, typeName } from '../docs/config-reference.mjs';
import { brokenLinks, fillRegions, headingAnchors, includeFile } from '../docs/markdown.mjs';
import { PEERS, publishedPackages, reuseCommands } from '../docs/reuse.mjs';
import {
  architectureRows,
  configJsonSchema,
  environmentStack,
  exampleRows,
  loadKit,
  outputRows,
  workspaceRows,
} from '../docs/stack-docs.mjs';
import { ROOT } from '../lib.mjs';

/** A small schema in the shape zod's toJSONSchema gives (input side). */
const SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 3, maxLength: 24, pattern: '^[a-z]+$' },
    owner: { type: 'string' },
    limits: {
      type: 'object',
      default: { max: 5 },
      properties: { max: { type: 'integer', default: 5, exclusiveMinimum: 0 } },
    },
    teams: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { id: { type: 'string' } },
        required: ['id'],
      },
    },
  },
  required: ['name', 'teams'],
};
const DESCRIBED = {
  name: 'The name.',
  owner: { text: 'Who owns it.', default: 'nobody' },
  limits: 'Limits.',
  'limits.max': 'The most.',
  teams: 'The teams.',
  'teams[].id': 'Team id.',
};

describe('config reference', () => {
  it('lists every key with its type, default, description and constraints', () => {
    const rows = configRows(SCHEMA, DESCRIBED);
    assert.deepEqual(
      rows.map((r) => [r.key, r.type, r.default]),
      [
        ['name', 'string', 'required'],
        ['owner', 'string', 'nobody'],
        ['limits', 'object', "the fields' defaults"],
        ['limits.max', 'integer', '`5`'],
        ['teams', 'object[]', 'required'],
        ['teams[].id', 'string', 'required'],
      ],
    );
    assert.equal(rows[0].description, 'The name. 3-24 characters; matches `^[a-z]+$`.');
    assert.equal(rows[4].description, 'The teams. At least 1 item.');
    assert.match(
      configList(rows),
      /^ {2}- `limits\.max` \(integer; default: `5`\): The most\. > 0\.$/m,
    );
  });

  it('fails on a key without a description and on a description of no key', () => {
    const missing = { ...DESCRIBED };
    delete missing.name;
    assert.throws(() => configRows(SCHEMA, missing), /name: no description/);
    assert.throws(
      () => configRows(SCHEMA, { ...DESCRIBED, nmae: 'typo' }),
      /nmae: described but not a key of the schema/,
    );
  });

  it('fails on an optional key whose default behaviour is not documented', () => {
    assert.throws(
      () => configRows(SCHEMA, { ...DESCRIBED, owner: 'Who owns it.' }),
      /owner: optional without a default/,
    );
  });

  it('refuses a second description of a key the schema describes (move it into the schema)', () => {
    const schema = structuredClone(SCHEMA);
    schema.properties.name.description = 'From the schema.';
    assert.throws(
      () => configRows(schema, DESCRIBED),
      /name: description is in the schema; delete 'text'/,
    );
    const rest = { ...DESCRIBED };
    delete rest.name;
    assert.equal(configRows(schema, rest)[0].description.split('.')[0], 'From the schema');
  });

  it('takes the default behaviour and map key name from the schema metadata', () => {
    const schema = structuredClone(SCHEMA);
    schema.properties.owner.defaultDescription = 'the caller';
    schema.properties.tags = {
      type: 'object',
      keyName: 'tag',
      default: {},
      additionalProperties: { type: 'string' },
    };
    const described = {
      ...DESCRIBED,
      owner: 'Who owns it.',
      tags: 'Tags.',
      'tags.<tag>': 'A value.',
    };
    const rows = configRows(schema, described);
    assert.equal(rows.find((r) => r.key === 'owner').default, 'the caller');
    assert.ok(rows.some((r) => r.key === 'tags.<tag>'));
    assert.throws(
      () => configRows(schema, { ...described, owner: { text: 'Who.', default: 'nobody' } }),
      /owner: defaultDescription is in the schema; delete 'default'/,
    );
  });

  it('describes a repeated object shape once and points to it', () => {
    const schema = structuredClone(SCHEMA);
    schema.properties.copy = { ...structuredClone(SCHEMA.properties.limits), default: { max: 9 } };
    const rows = configRows(schema, { ...DESCRIBED, copy: 'A copy.' });
    const copy = rows.find((r) => r.key === 'copy');
    assert.equal(copy.default, '`{ max: 9 }`');
    assert.match(copy.description, /Same fields as `limits`\./);
    assert.equal(rows.filter((r) => r.key.startsWith('copy.')).length, 0);
  });

  it('renders values as YAML flow and types in words', () => {
    assert.equal(flow({ actual: [50, 80], forecast: [] }), '{ actual: [50, 80], forecast: [] }');
    assert.equal(flow('a b'), "'a b'");
    assert.equal(typeName({ type: 'string', enum: ['none', 'team'] }), '`none` or `team`');
    assert.equal(
      typeName({ type: 'object', additionalProperties: { type: 'number' } }),
      'map of number',
    );
  });

  it('covers every key of the real schema', () => {
    const rows = configRows(configJsonSchema(loadKit(ROOT)), CONFIG_DESCRIPTIONS);
    for (const key of ['project', 'budgets.perDeveloper.enabled', 'backend.s3.useLockfile']) {
      assert.ok(
        rows.some((r) => r.key === key),
        key,
      );
    }
  });
});

describe('generated regions and links', () => {
  let dir;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ccb-docs-unit-'));
    mkdirSync(join(dir, 'ex'));
    writeFileSync(
      join(dir, 'ex', 'main.ts'),
      [
        'const a = 1;',
        'function f() {',
        '  // #region body',
        '  return a;',
        '  // #endregion body',
        '}',
        '',
      ].join('\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('includes a file without its region markers, or one region of it dedented', () => {
    assert.equal(
      includeFile(dir, 'ex/main.ts'),
      '```ts\nconst a = 1;\nfunction f() {\n  return a;\n}\n```',
    );
    assert.equal(includeFile(dir, 'ex/main.ts#body'), '```ts\nreturn a;\n```');
    assert.throws(() => includeFile(dir, 'ex/main.ts#nope'), /has no region 'nope'/);
    assert.throws(() => includeFile(dir, 'ex/gone.ts'), /ex\/gone\.ts does not exist/);
  });

  it('replaces only the body of each region', () => {
    const text = [
      'intro',
      '<!-- BEGIN GENERATED table (npm run docs) -->',
      'old',
      '<!-- END GENERATED -->',
      'outro',
    ].join('\n');
    const out = fillRegions(text, {
      root: dir,
      render: (s) => (s === 'table' ? 'NEW' : undefined),
    });
    assert.equal(
      out,
      'intro\n<!-- BEGIN GENERATED table (npm run docs) -->\n\nNEW\n\n<!-- END GENERATED -->\noutro',
    );
  });

  it('finds heading anchors as GitHub makes them, ignoring code blocks', () => {
    const anchors = headingAnchors(
      '# Reusing the packages\n## `cdktf.json` and the CLI\n## Notes\n## Notes\n```sh\n# not a heading\n```\n',
    );
    assert.deepEqual(
      [...anchors],
      ['reusing-the-packages', 'cdktfjson-and-the-cli', 'notes', 'notes-1'],
    );
  });

  it('reports links to missing files and headings', () => {
    writeFileSync(join(dir, 'doc.md'), '# Title\n');
    const text = '[ok](doc.md#title) [a](#reusing-the-packages) [b](gone.md) [c](https://x.y/z)';
    assert.deepEqual(
      brokenLinks(dir, 'README.md', `# Readme\n${text}\n`).map((p) => p.link),
      ['#reusing-the-packages', 'gone.md'],
    );
  });
});

describe('tables read from the kit', () => {
  const kit = loadKit(ROOT);
  const dev = environmentStack(kit, join(ROOT, 'apps', 'dev', 'config.yaml'));

  it('attributes each resource type to the construct and package that create it', () => {
    const rows = architectureRows(kit, [dev.app]);
    const find = (type) => rows.filter((r) => r.type === type);
    assert.deepEqual(
      find('aws_bedrock_inference_profile').map((r) => [r.construct, r.package, r.paths]),
      [['DeveloperProfiles', '@claude-code-bedrock/allocation', ['allocation']]],
    );
    assert.ok(
      find('aws_s3_bucket').some(
        (r) => r.construct === 'HardenedBucket' && r.package === '@claude-code-bedrock/logging',
      ),
    );
    assert.equal(find('data.aws_caller_identity').length, 0, 'dev sets accountId');
  });

  it('lists the outputs of the stack with their descriptions', () => {
    const rows = outputRows(kit, dev.stack);
    const role = rows.find((r) => r.name === 'developer_role_arn');
    assert.ok(role?.description.length > 0);
    assert.ok(
      rows.every((r) => r.description !== ''),
      'every output has a description',
    );
  });

  it('lists the workspaces and examples from their package.json', () => {
    const dirs = workspaceRows(ROOT).map((r) => r.dir);
    for (const d of ['packages/core', 'apps/dev', 'examples/iam-roles'])
      assert.ok(dirs.includes(d), d);
    const iam = exampleRows(ROOT).find((r) => r.dir === 'iam-roles');
    assert.deepEqual(iam.packages, ['core', 'foundation']);
  });

  it('makes every example a complete app with the peers pinned as the repository tests them', () => {
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const examples = exampleRows(ROOT);
    assert.ok(examples.length > 0);
    for (const { dir } of examples) {
      for (const file of ['main.ts', 'cdktf.json', 'package.json', 'tsconfig.json', 'README.md']) {
        assert.ok(existsSync(join(ROOT, 'examples', dir, file)), `examples/${dir}/${file}`);
      }
      const pkg = JSON.parse(readFileSync(join(ROOT, 'examples', dir, 'package.json'), 'utf8'));
      for (const peer of PEERS) {
        assert.equal(pkg.dependencies[peer], root.devDependencies[peer], `${dir}: ${peer}`);
      }
    }
  });

  it('packs the packages in dependency order, as the guide shows', () => {
    const order = publishedPackages(ROOT).map((p) => p.name);
    for (const [i, name] of order.entries()) {
      const pkg = JSON.parse(
        readFileSync(join(ROOT, 'packages', name.split('/')[1], 'package.json'), 'utf8'),
      );
      for (const dep of Object.keys(pkg.dependencies ?? {}).filter((d) => order.includes(d))) {
        assert.ok(order.indexOf(dep) < i, `${dep} is packed before ${name}`);
      }
    }
    assert.match(reuseCommands(ROOT), /cdktf@\d+\.\d+\.\d+/);
  });
});

describe('npm run docs -- --check', () => {
  let copy;
  const docs = (...args) =>
    spawnSync('node', [join(ROOT, 'scripts', 'docs.mjs'), '--no-build', '--root', copy, ...args], {
      encoding: 'utf8',
    });

  before(() => {
    // The repository's files as git sees them (tracked and new, nothing ignored).
    copy = mkdtempSync(join(tmpdir(), 'ccb-docs-check-'));
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    for (const file of files.split('\n').filter(Boolean)) {
      mkdirSync(join(copy, dirname(file)), { recursive: true });
      try {
        cpSync(join(ROOT, file), join(copy, file));
      } catch (err) {
        if (err.code !== 'ENOENT') throw err; // deleted in the work tree
      }
    }
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  it('passes on the committed documentation', () => {
    const res = docs('--check');
    assert.equal(res.status, 0, res.stderr);
  });

  it('fails listing a doc whose generated region was edited, and a write run fixes it', () => {
    const file = join(copy, 'docs', 'outputs.md');
    const original = readFileSync(file, 'utf8');
    const edited = original.replace('ARN of the platform administrator role.', 'Edited by hand.');
    assert.notEqual(edited, original);
    writeFileSync(file, edited);
    const res = docs('--check');
    assert.equal(res.status, 1);
    assert.match(res.stderr, /stale[\s\S]*docs\/outputs\.md/);
    assert.equal(readFileSync(file, 'utf8'), edited, '--check writes nothing');
    assert.equal(docs().status, 0);
    assert.equal(readFileSync(file, 'utf8'), original);
    assert.equal(docs('--check').status, 0);
  });

  it('fails listing the README that includes an example once the example changes', () => {
    const example = join(copy, 'examples', 'iam-roles', 'main.ts');
    writeFileSync(example, `${readFileSync(example, 'utf8')}// one more line\n`);
    const res = docs('--check');
    assert.equal(res.status, 1);
    assert.match(res.stderr, /packages\/foundation\/README\.md/);
    assert.equal(docs().status, 0);
    assert.match(
      readFileSync(join(copy, 'packages', 'foundation', 'README.md'), 'utf8'),
      /one more line/,
    );
  });

  it('fails on a link to a heading that does not exist', () => {
    const readme = join(copy, 'README.md');
    writeFileSync(readme, `${readFileSync(readme, 'utf8')}\n[reuse](#reusing-the-packages)\n`);
    const res = docs('--check');
    assert.equal(res.status, 1);
    assert.match(res.stderr, /README\.md: link #reusing-the-packages: README\.md has no heading/);
  });
});
