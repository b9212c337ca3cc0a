import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { AdminRole, DeveloperRole, ScpDocument } from '../src';
import { ACCOUNT, GLOBAL_TIER, REGION, ROOT_TRUST, TIERS, US_REGIONS } from './helpers';

// toBeValidTerraform runs `terraform init`: point it at the provider mirror (no registry here).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'foundation-tf-'));
const cliConfig = path.join(tmp, 'terraformrc');
fs.writeFileSync(
  cliConfig,
  'provider_installation {\n  filesystem_mirror {\n    path = "/opt/tf-plugins"\n  }\n}\n',
);
process.env.TF_CLI_CONFIG_FILE = cliConfig;
const cleanup = [tmp];
afterAll(() => cleanup.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

test('synthesizes valid Terraform in a full stack with a provider', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'foundation');
  new AwsProvider(stack, 'aws', { region: REGION });
  const tiers = [...TIERS, GLOBAL_TIER];
  const developer = new DeveloperRole(stack, 'developer', {
    project: 'acme-claude',
    accountId: ACCOUNT,
    region: REGION,
    trust: { ...ROOT_TRUST, saml: { providerArn: `arn:aws:iam::${ACCOUNT}:saml-provider/okta` } },
    tiers,
    allowedRegions: US_REGIONS,
  });
  const admin = new AdminRole(stack, 'admin', {
    project: 'acme-claude',
    accountId: ACCOUNT,
    region: REGION,
    bucketPrefix: 'acme-claude-dev',
    trust: ROOT_TRUST,
  });
  const scp = new ScpDocument(stack, 'scp', {
    project: 'acme-claude',
    tiers,
    allowedRegions: US_REGIONS,
  });
  new TerraformOutput(stack, 'developer_role_arn', { value: developer.roleArn });
  new TerraformOutput(stack, 'admin_role_arn', { value: admin.roleArn });
  new TerraformOutput(stack, 'scp_policy_json', { value: scp.json });

  const dir = Testing.fullSynth(stack);
  cleanup.push(dir);
  expect(dir).toBeValidTerraform();
}, 120_000);
