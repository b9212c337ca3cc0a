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
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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
import { parse as parseYaml } from 'yaml';
import { ROOT } from '../lib.mjs';

/** A small schema in the shape zod's toJSONSchema gives (input side), with zod's metadata. */
const SCHEMA = {
  type: 'object',
  properties: {
    name: {
      description: 'The name.',
      type: 'string',
      minLength: 3,
      maxLength: 24,
      pattern: '^[a-z]+$',
    },
    owner: { description: 'Who owns it.', defaultDescription: 'nobody', type: 'string' },
    limits: {
      description: 'Limits.',
      type: 'object',
      default: { max: 5 },
      properties: {
        max: { description: 'The most.', type: 'integer', default: 5, exclusiveMinimum: 0 },
      },
    },
    teams: {
      description: 'The teams.',
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { id: { description: 'Team id.', type: 'string' } },
        required: ['id'],
      },
    },
  },
  required: ['name', 'teams'],
};

/** SCHEMA with `change` applied to a copy. */
const schemaWith = (change) => {
  const schema = structuredClone(SCHEMA);
  change(schema.properties);
  return schema;
};

describe('config reference', () => {
  it('lists every key with its type, default, description and constraints', () => {
    const rows = configRows(SCHEMA);
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

  it('fails naming each key without a description, at any depth', () => {
    const schema = schemaWith((p) => {
      delete p.name.description;
      delete p.limits.properties.max.description;
      p.teams.items.properties.id.description = ' ';
    });
    assert.throws(
      () => configRows(schema),
      (err) => {
        for (const key of ['name', 'limits.max', 'teams[].id']) {
          const problem = `${key}: no description; document it in its schema (packages/core/src/schema) with .meta({ description })`;
          assert.ok(err.message.includes(`\n  - ${problem}`), `${key} in:\n${err.message}`);
        }
        assert.doesNotMatch(err.message, /owner|teams:/);
        return true;
      },
    );
  });

  it('fails on an optional key whose default behaviour is not documented', () => {
    const schema = schemaWith((p) => delete p.owner.defaultDescription);
    assert.throws(
      () => configRows(schema),
      /owner: optional without a default; document what leaving it out does with \.meta\(\{ defaultDescription \}\)/,
    );
  });

  it('takes each description from the schema metadata', () => {
    const schema = schemaWith((p) => {
      p.name.description = 'From the schema.';
    });
    assert.equal(configRows(schema)[0].description.split('.')[0], 'From the schema');
  });

  it('takes the default behaviour and map key name from the schema metadata', () => {
    const schema = schemaWith((p) => {
      p.owner.defaultDescription = 'the caller';
      p.tags = {
        description: 'Tags.',
        type: 'object',
        keyName: 'tag',
        default: {},
        additionalProperties: { description: 'A value.', type: 'string' },
      };
    });
    const rows = configRows(schema);
    assert.equal(rows.find((r) => r.key === 'owner').default, 'the caller');
    assert.equal(rows.find((r) => r.key === 'tags.<tag>').description, 'A value.');
    delete schema.properties.tags.keyName;
    assert.ok(configRows(schema).some((r) => r.key === 'tags.<key>'));
  });

  it('describes a repeated object shape once and points to it, whatever its own description', () => {
    const schema = schemaWith((p) => {
      p.copy = { ...structuredClone(p.limits), description: 'A copy.', default: { max: 9 } };
    });
    const rows = configRows(schema);
    const copy = rows.find((r) => r.key === 'copy');
    assert.equal(copy.default, '`{ max: 9 }`');
    assert.equal(copy.description, 'A copy. Same fields as `limits`.');
    assert.equal(rows.filter((r) => r.key.startsWith('copy.')).length, 0);
    schema.properties.copy.properties.max.description = 'Another field.';
    assert.ok(configRows(schema).some((r) => r.key === 'copy.max'));
  });

  it('renders values as YAML flow and types in words', () => {
    assert.equal(flow({ actual: [50, 80], forecast: [] }), '{ actual: [50, 80], forecast: [] }');
    assert.equal(flow('a b'), "'a b'");
    assert.equal(typeName({ type: 'string', enum: ['none', 'team'] }), '`none` or `team`');
    assert.equal(
      typeName({ type: 'object', additionalProperties: { type: 'number' } }),
      'map of number',
    );
    assert.equal(typeName({ type: 'boolean', const: true }), '`true`');
    assert.equal(
      typeName({
        type: 'array',
        items: { anyOf: [{ type: 'string' }, { type: 'string', const: '*' }] },
      }),
      '(string or `*`)[]',
    );
  });

  it('covers every key of the real schema, each with a description from the schema', () => {
    const rows = configRows(configJsonSchema(loadKit(ROOT)));
    for (const key of [
      'project',
      'models.<tier>.profileId',
      'prices.<tier>.cacheWrite',
      'budgets.perDeveloper.enabled',
      'budgets.perDeveloper.enforce',
      'budgets.perDeveloper.warnAt',
      'budgets.perDeveloper.period',
      'budgets.perDeveloper.budgetAction',
      'backend.s3.useLockfile',
    ]) {
      assert.ok(
        rows.some((r) => r.key === key && r.description !== ''),
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

describe('configuration snippets in the README and docs', () => {
  const core = createRequire(import.meta.url)(join(ROOT, 'packages/core/dist/index.js'));
  const devConfig = parseYaml(readFileSync(join(ROOT, 'apps/dev/config.yaml'), 'utf8'));
  const files = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  /** Every ```yaml block of `text`, parsed. */
  const yamlBlocks = (text) =>
    [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => parseYaml(m[1]));
  /**
   * A snippet is valid: a whole config (it has `project`) on its own, a section merged into the dev
   * config (each top-level key replaces the dev config's).
   */
  const problemsOf = (snippet) => {
    const config = 'project' in snippet ? snippet : { ...devConfig, ...snippet };
    try {
      core.validateConfig(config);
      return [];
    } catch (err) {
      return err.problems?.map((p) => `${p.path}: ${p.message}`) ?? [err.message];
    }
  };

  it('every yaml block is a valid config or config section', () => {
    let checked = 0;
    for (const file of files) {
      for (const snippet of yamlBlocks(readFileSync(join(ROOT, file), 'utf8'))) {
        assert.deepEqual(problemsOf(snippet), [], `${file}: ${JSON.stringify(snippet)}`);
        checked++;
      }
    }
    assert.ok(checked >= 4, `${checked} snippets checked`);
  });

  it('would catch a broken snippet', () => {
    const [network] = yamlBlocks(readFileSync(join(ROOT, 'docs/network.md'), 'utf8'));
    assert.deepEqual(problemsOf(network), []);
    const broken = { network: { ...network.network, allowedCidrs: ['0.0.0.0/0'] } };
    assert.ok(problemsOf(broken).some((p) => p.startsWith('network.allowedCidrs')));
  });
});
