import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import './helpers';
import { ClaudeCodeBedrockStack } from '../src';
import { config, profileEntries, resources, synth } from './helpers';

const BASELINE_OUTPUTS = [
  'developer_role_arn',
  'admin_role_arn',
  'scp_policy_json',
  'log_group_name',
  'invocation_logs_bucket',
  'inference_profile_arns',
  'sso_permission_set_arn',
  'athena_workgroup',
  'athena_database',
  'sns_topic_arn',
  'guardrail_id',
  'developer_env_config',
];
const OUR_OUTPUTS = ['inference_profiles', 'cloudtrail_arn', 'budget_names', 'claude_settings'];

describe.each(['dev', 'prod'])('the %s environment', (env) => {
  const c = config(env);
  const s = synth(c);

  it('exposes every output of the HCL baseline plus ours, each with a description', () => {
    const outputs = s.tf.output;
    for (const name of [...BASELINE_OUTPUTS, ...OUR_OUTPUTS]) {
      expect(outputs[name]).toBeDefined();
      expect(outputs[name].description?.length).toBeGreaterThan(10);
    }
  });

  it('composes all five packages', () => {
    for (const type of [
      'aws_iam_role',
      'aws_bedrock_inference_profile',
      'aws_cloudwatch_log_group',
      'aws_bedrock_model_invocation_logging_configuration',
      'aws_glue_catalog_table',
      'aws_athena_workgroup',
      'aws_budgets_budget',
      'aws_sns_topic',
    ]) {
      expect(Object.keys(resources(s, type)).length).toBeGreaterThan(0);
    }
  });

  it('creates one profile per developer and entitled tier, keyed by developer id and tier', () => {
    const keys = Object.keys(profileEntries(s.tf as Parameters<typeof profileEntries>[0]));
    const expected = c.developers.flatMap((d) =>
      ['sonnet', 'opus', 'haiku']
        .filter((t) => t !== 'opus' || (d.groups?.includes('opus-users') && !d.models))
        .filter((t) => !d.models || d.models.includes(t) || t === c.fastModel)
        .map((t) => `${d.id}/${t}`),
    );
    expect(keys.sort()).toEqual(expected.sort());
  });

  it('tags every taggable resource through the provider default_tags', () => {
    const tags = (s.tf.provider.aws[0].default_tags as { tags: Record<string, string> }[])[0].tags;
    expect(tags).toMatchObject({
      Project: c.project,
      Environment: env,
      ManagedBy: 'claude-code-bedrock',
    });
    expect(tags).toMatchObject(c.tags);
  });

  it('derives the per-developer outputs from the profiles’ developer -> tier -> ARN local', () => {
    const local = s.stack.profiles!.developerArnMap.friendlyUniqueId;
    const locals = (s.tf as unknown as { locals: Record<string, string> }).locals;
    expect(locals[local]).toMatch(/^\$\{ \{ for dev, ps in \{ for p in values\(merge\(/);
    for (const name of ['inference_profile_arns', 'developer_env_config', 'claude_settings']) {
      expect(s.tf.output[name].value).toMatch(
        new RegExp(`^\\$\\{ \\{ for dev, arns in local\\.${local} : dev => `),
      );
    }
    expect(s.tf.output.inference_profiles.value).toBe(`\${local.${local}}`);
  });

  it('never puts a bearer-token variable in developer settings', () => {
    expect(JSON.stringify(s.tf.output.claude_settings)).not.toContain('AWS_BEARER_TOKEN_BEDROCK');
    expect(JSON.stringify(s.tf.output.developer_env_config)).not.toContain(
      'AWS_BEARER_TOKEN_BEDROCK',
    );
  });

  it('passes every policy check at synth (validations on)', () => {
    expect(() => Testing.synth(s.stack, true)).not.toThrow();
  });

  it('keeps log buckets safe from terraform destroy', () => {
    expect(s.json).toHaveResourceWithProperties(S3Bucket, { force_destroy: false });
    for (const bucket of Object.values(resources(s, 'aws_s3_bucket'))) {
      expect(bucket.force_destroy).not.toBe(true);
    }
  });
});

describe('the usage dashboard', () => {
  const body = (s: ReturnType<typeof synth>) => {
    const [dashboard, ...more] = Object.values(resources(s, 'aws_cloudwatch_dashboard'));
    expect(more).toEqual([]);
    return {
      name: dashboard.dashboard_name,
      titles: (
        JSON.parse(dashboard.dashboard_body as string) as {
          widgets: { properties: { title?: string } }[];
        }
      ).widgets.map((w) => w.properties.title),
    };
  };

  it('is one per environment, linked from the dashboard_url output', () => {
    const s = synth(config('dev'));
    expect(body(s).name).toBe('acme-claude-usage');
    expect(s.tf.output.dashboard_url.value).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/acme-claude-usage',
    );
    expect(s.tf.output.dashboard_url.description).toMatch(/^CloudWatch console link/);
  });

  it('shows the enforcer’s exact cost and blocks only when spend caps are on', () => {
    const on = body(synth(config('dev')));
    expect(on.titles).toEqual(
      expect.arrayContaining(['Developers blocked', 'Latest blocks (spend caps)']),
    );
    const off = body(
      synth(
        config('dev', (raw) => {
          raw.budgets.perDeveloper = { ...raw.budgets.perDeveloper, enforce: false };
        }),
      ),
    );
    expect(off.titles.filter((t) => /block|per team|exact/i.test(t ?? ''))).toEqual([]);
    expect(off.titles).toContain('Top 20 callers by cost (USD, upper bound)');
  });
});

describe('backend', () => {
  it('uses a local backend by default', () => {
    const s = synth(config('dev'));
    expect(Object.keys(s.tf.terraform.backend ?? {})).toEqual(['local']);
  });

  it('uses S3 with native locking only when configured', () => {
    const s = synth(config('prod'));
    expect(s.tf.terraform.backend?.s3).toMatchObject({
      bucket: 'acme-terraform-state-111122223333',
      key: 'claude-code-bedrock/prod/terraform.tfstate',
      use_lockfile: true,
      encrypt: true,
      region: 'us-east-1',
    });
  });

  it('defaults the state key to one per environment', () => {
    const s = synth(
      config('dev', (c) => {
        c.backend = { s3: { bucket: 'state-bucket' } };
      }),
    );
    expect(s.tf.terraform.backend?.s3).toMatchObject({ key: 'acme-claude/dev/terraform.tfstate' });
  });
});

describe('deploy targets', () => {
  it("points every service at the emulator for the local target, with the provider's default retries", () => {
    const s = synth(config('dev'), { kind: 'local', endpoint: 'http://127.0.0.1:5000' });
    const provider = s.tf.provider.aws[0];
    expect(provider).toMatchObject({
      s3_use_path_style: true,
      skip_credentials_validation: true,
      skip_metadata_api_check: 'true',
    });
    expect(provider.max_retries).toBeUndefined();
    expect(provider.skip_requesting_account_id).toBeUndefined();
    const endpoints = (provider.endpoints as Record<string, string>[])[0];
    for (const service of ['bedrock', 'budgets', 'ce', 's3', 'iam', 'sts', 'athena', 'glue']) {
      expect(endpoints[service]).toBe('http://127.0.0.1:5000');
    }
  });

  it('deploys the same resources to the emulator as to AWS', () => {
    const aws = synth(config('dev'));
    const local = synth(config('dev'), { kind: 'local', endpoint: 'http://127.0.0.1:5000' });
    expect(local.tf.resource).toEqual(aws.tf.resource);
  });
});

describe('one resolve per synth', () => {
  function appWithStack() {
    const outdir = mkdtempSync(join(tmpdir(), 'ccb-once-'));
    const app = new App({ outdir });
    const stack = new ClaudeCodeBedrockStack(app, 'dev', {
      config: config('dev'),
      target: { kind: 'local', endpoint: 'http://127.0.0.1:5000' },
    });
    return { app, stack, outdir };
  }

  it('shares the policy checks’ result with the synthesizer', () => {
    const { app, outdir } = appWithStack();
    const resolve = jest.spyOn(TerraformStack.prototype, 'toTerraform');
    try {
      app.synth();
      // Once for the policy checks and the written file together (without sharing: twice).
      expect(resolve).toHaveBeenCalledTimes(1);
    } finally {
      resolve.mockRestore();
    }
    const written = JSON.parse(readFileSync(join(outdir, 'stacks', 'dev', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(written.resource.aws_bedrock_inference_profile).length).toBeGreaterThan(0);
  });

  it('resolves afresh outside a synth, so later changes show', () => {
    const { app, stack } = appWithStack();
    app.synth();
    new S3Bucket(stack, 'late-bucket', { bucket: 'added-after-synth' });
    const tf = stack.toTerraform() as { resource: { aws_s3_bucket: Record<string, unknown> } };
    expect(
      tf.resource.aws_s3_bucket.late_bucket ?? tf.resource.aws_s3_bucket['late-bucket'],
    ).toEqual(expect.objectContaining({ bucket: 'added-after-synth' }));
  });

  it('still fails synth on policy errors added by an aspect after construction', () => {
    const { app, stack } = appWithStack();
    Aspects.of(stack).add({
      visit: (node) => {
        if (node === stack) new S3Bucket(stack, 'unencrypted', { bucket: 'no-guard-rails' });
      },
    });
    expect(() => app.synth()).toThrow(/unencrypted|no-guard-rails/);
  });
});
