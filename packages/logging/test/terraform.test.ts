import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { TerraformStack, Testing } from 'cdktf';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { BedrockAuditLogging } from '../src';
// Brings in the global type declarations of cdktf's jest matchers (registered in jest.setup.js).
import type {} from 'cdktf/lib/testing/adapters/jest';

// `toBeValidTerraform` runs `terraform init` + `validate`; the provider comes from the machine's
// filesystem mirror (no registry access).
let dir: string;
const previous = process.env.TF_CLI_CONFIG_FILE;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'logging-tf-'));
  const config = join(dir, 'terraformrc');
  writeFileSync(
    config,
    'provider_installation {\n  filesystem_mirror { path = "/opt/tf-plugins" }\n}\n',
  );
  process.env.TF_CLI_CONFIG_FILE = config;
});

afterAll(() => {
  if (previous === undefined) delete process.env.TF_CLI_CONFIG_FILE;
  else process.env.TF_CLI_CONFIG_FILE = previous;
  rmSync(dir, { recursive: true, force: true });
});

test('a stack with every option on is valid Terraform', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'logging');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const me = new DataAwsCallerIdentity(stack, 'me');
  const logging = new BedrockAuditLogging(stack, 'logs', {
    project: 'acme',
    bucketPrefix: 'acme-dev',
    accountId: me.accountId,
    region: 'us-east-1',
    objectLock: { mode: 'GOVERNANCE', days: 365 },
    expirationDays: 400,
    delivery: { image: true },
    cloudtrail: { cloudWatchLogs: true, multiRegion: false, expirationDays: 730 },
  });
  logging.grantRead(new IamRole(stack, 'analyst', { name: 'analyst', assumeRolePolicy: '{}' }));
  expect(Testing.fullSynth(stack)).toBeValidTerraform();
}, 60_000);
