import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { TerraformLocal, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import {
  TERRAFORM_CLI_CONFIG,
  expandForEach,
  synthesizeToDirectory,
  terraform,
  terraformEnv,
  terraformOutputs,
  terraformPlan,
  terraformValidate,
} from '../src';
import * as scripts from '../../../scripts/terraform-env.cjs';

jest.setTimeout(120_000);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A directory holding `main.tf.json` with this body. */
function configDir(body: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'testing-tf-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(body, null, 2));
  return dir;
}

const AWS = { required_providers: { aws: { source: 'hashicorp/aws' } } };

describe('the CLI configuration', () => {
  test("is the repository's scripts/terraformrc, installing hashicorp/* from the mirror", () => {
    // CCB_TF_CLI_CONFIG overrides it, as for the scripts (scripts/lib.mjs).
    expect(TERRAFORM_CLI_CONFIG).toBe(
      process.env.CCB_TF_CLI_CONFIG ?? resolve(__dirname, '../../../scripts/terraformrc'),
    );
    expect(readFileSync(TERRAFORM_CLI_CONFIG, 'utf8')).toMatch(
      /filesystem_mirror\s*\{[^}]*path\s*=\s*"\/opt\/tf-plugins"/,
    );
    expect(terraformEnv()).toMatchObject({
      TF_CLI_CONFIG_FILE: TERRAFORM_CLI_CONFIG,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
    });
  });

  test("is the scripts' environment: SDK logs off unless a TF_LOG* is set, overrides last", () => {
    const base = { PATH: '/usr/bin' };
    expect(scripts.terraformEnv({}, base)).toEqual({
      PATH: '/usr/bin',
      TF_LOG_SDK: 'off',
      TF_CLI_CONFIG_FILE: resolve(__dirname, '../../../scripts/terraformrc'),
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
    });
    expect(scripts.terraformEnv({}, { ...base, TF_LOG_PROVIDER: 'DEBUG' })).not.toHaveProperty(
      'TF_LOG_SDK',
    );
    expect(scripts.terraformEnv({}, { CCB_TF_CLI_CONFIG: '/x/rc' }).TF_CLI_CONFIG_FILE).toBe(
      '/x/rc',
    );
    expect(scripts.terraformEnv({ TF_INPUT: '1' }, base).TF_INPUT).toBe('1');
  });

  test('leaves process.env alone', () => {
    const before = process.env.TF_CLI_CONFIG_FILE;
    terraformEnv();
    expect(process.env.TF_CLI_CONFIG_FILE).toBe(before);
  });
});

describe('terraform', () => {
  test('returns what the command prints', () => {
    expect(terraform(tmpdir(), 'version', '-json')).toMatch(/"terraform_version"/);
  });

  test('throws with the command, its exit code and its output when it fails', () => {
    expect(() => terraform(tmpdir(), 'no-such-command')).toThrow(
      /terraform no-such-command failed \(exit 1\)[\s\S]*no-such-command/,
    );
  });
});

describe('terraformValidate', () => {
  test('passes a valid configuration, with the AWS provider from the mirror', () => {
    const dir = configDir({
      terraform: AWS,
      provider: { aws: { region: 'us-east-1' } },
      resource: { aws_s3_bucket: { logs: { bucket: 'acme-logs' } } },
    });
    expect(terraformValidate(dir)).toMatchObject({ valid: true, error_count: 0 });
    // The provider came from the mirror: the lock file records the mirrored version.
    expect(readFileSync(join(dir, '.terraform.lock.hcl'), 'utf8')).toMatch(
      /provider "registry\.terraform\.io\/hashicorp\/aws"[\s\S]*version\s*=\s*"5\.100\.0"/,
    );
  });

  test('throws on an invalid configuration, with the error, its detail and location', () => {
    const dir = configDir({
      terraform: AWS,
      provider: { aws: { region: 'us-east-1' } },
      resource: { aws_s3_bucket: { logs: { bucket: 'acme-logs', no_such_argument: true } } },
    });
    expect(() => terraformValidate(dir)).toThrow(
      /1 error\(s\)[\s\S]*Extraneous JSON object property: No argument or block type is named "no_such_argument"\. \(main\.tf\.json:\d+\)/,
    );
  });

  test('validates a stack through a full synth', () => {
    const stack = new TerraformStack(Testing.app(), 'tiny');
    new TerraformOutput(stack, 'greeting', { value: 'hello' });
    expect(terraformValidate(stack)).toMatchObject({ valid: true });

    const broken = new TerraformStack(Testing.app(), 'broken');
    new TerraformOutput(broken, 'missing', { value: '${local.nowhere}' });
    expect(() => terraformValidate(broken)).toThrow(/Reference to undeclared local value/);
  });
});

describe('synthesizeToDirectory', () => {
  test("is the stack's working directory in a fresh full synth", () => {
    const stack = new TerraformStack(Testing.app(), 'where');
    new TerraformOutput(stack, 'x', { value: 1 });
    const { outdir, dir } = synthesizeToDirectory(stack);
    dirs.push(outdir);
    expect(dir).toBe(join(outdir, 'stacks', 'where'));
    expect(JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')).output.x.value).toBe(1);
  });
});

describe('terraformOutputs', () => {
  test('returns the value of every output, as Terraform evaluates it', () => {
    expect(
      terraformOutputs({
        locals: { m: { b: 2, a: 1 } },
        output: {
          keys: { value: '${keys(local.m)}' },
          doubled: { value: '${{ for k, v in local.m : k => v * 2 }}' },
        },
      }),
    ).toEqual({ keys: ['a', 'b'], doubled: { a: 2, b: 4 } });
  });

  test("throws with Terraform's error when an expression does not evaluate", () => {
    expect(() => terraformOutputs({ output: { x: { value: '${local.nowhere}' } } })).toThrow(
      /Reference to undeclared local value[\s\S]*nowhere/,
    );
  });
});

describe('terraformPlan', () => {
  // terraform_data is built into Terraform: a for_each resource that needs no provider.
  const locals = {
    people: {
      'jane/opus': { name: 'jane', tier: 'opus' },
      'bob/haiku': { name: 'bob', tier: 'haiku' },
    },
    prices: { opus: '5', haiku: '1' },
  };
  const resource = {
    for_each: '${local.people}',
    input: {
      label: '${each.value.name}-${each.value.tier}',
      key: '${each.key}',
      price: '${lookup(local.prices, each.value.tier)}',
    },
  };

  test('plans every for_each instance, as expandForEach evaluates them', () => {
    const plan = terraformPlan<{ input: unknown }>(
      configDir({ locals, resource: { terraform_data: { profile: resource } } }),
    );
    const planned = Object.fromEntries(
      plan.resource_changes.map((r) => [r.index, { input: r.change.after.input }]),
    );
    expect(plan.resource_changes.map((r) => r.address).sort()).toEqual([
      'terraform_data.profile["bob/haiku"]',
      'terraform_data.profile["jane/opus"]',
    ]);
    expect(planned).toEqual(expandForEach(resource, locals));
    expect(planned['jane/opus']).toEqual({
      input: { label: 'jane-opus', key: 'jane/opus', price: '5' },
    });
  });

  test('removes the directory it synthesized a stack into', () => {
    const stack = new TerraformStack(Testing.app(), 'cleanup');
    const local = new TerraformLocal(stack, 'items', { a: 1 });
    new TerraformOutput(stack, 'all', { value: local.expression });
    const before = new Set(readdirSync(tmpdir()));
    expect(terraformPlan(stack).resource_changes).toEqual([]);
    const added = readdirSync(tmpdir()).filter(
      (d) => !before.has(d) && d.startsWith('cdktf.outdir.'),
    );
    expect(added.filter((d) => existsSync(join(tmpdir(), d, 'stacks', 'cleanup')))).toEqual([]);
  });
});
