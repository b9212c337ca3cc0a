import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { TerraformStack, Testing } from 'cdktf';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DeveloperProfiles } from '../src';
import { props } from './helpers';

describe('DeveloperProfiles in a stack', () => {
  const previous = process.env.TF_CLI_CONFIG_FILE;

  beforeAll(() => {
    // terraform init must find the provider in the offline filesystem mirror.
    const config = join(mkdtempSync(join(tmpdir(), 'allocation-tf-')), 'terraformrc');
    writeFileSync(
      config,
      'provider_installation {\n  filesystem_mirror {\n    path = "/opt/tf-plugins"\n  }\n}\n',
    );
    process.env.TF_CLI_CONFIG_FILE = config;
  });

  afterAll(() => {
    if (previous === undefined) delete process.env.TF_CLI_CONFIG_FILE;
    else process.env.TF_CLI_CONFIG_FILE = previous;
  });

  test('produces valid Terraform with adversarial ids and a caller-identity account', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'allocation');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const caller = new DataAwsCallerIdentity(stack, 'caller');
    new DeveloperProfiles(stack, 'profiles', {
      ...props({ accountId: caller.accountId, tags: { Environment: 'dev' } }),
      developers: [
        {
          id: 'jane.doe@example.com',
          team: 'platform',
          costCenter: 'CC-100',
          tiers: ['sonnet', 'opus'],
        },
        { id: 'José.Müller@例え.jp', team: 'platform', costCenter: 'CC-100', tiers: ['sonnet'] },
        { id: '山田太郎', team: 'payments', costCenter: 'CC-200', tiers: ['haiku'] },
        { id: 'constructor', team: 'payments', costCenter: 'CC-200', tiers: ['haiku'] },
        { id: 'y'.repeat(128), team: 'payments', costCenter: 'CC-200', tiers: ['sonnet'] },
      ],
    });

    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  }, 60_000);
});
