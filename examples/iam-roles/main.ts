// Least-privilege IAM: the developer role (each developer can use only their own application
// inference profiles), the platform admin role and the organization's service control policy.
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { resolveTiers } from '@claude-code-bedrock/core';
import { AdminRole, DeveloperRole, ScpDocument } from '@claude-code-bedrock/foundation';

class IamStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'us-east-1' });

    // Model tiers: system cross-region profiles + destination regions (or resolveTiers(config)).
    const tiers = resolveTiers({
      models: { sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    });
    const trust = { principals: ['arn:aws:iam::123456789012:root'] };
    // Where the roles live (or accountId: new DataAwsCallerIdentity(this, 'me').accountId).
    const context = { project: 'acme-claude', accountId: '123456789012', region: 'us-east-1' };

    const developers = new DeveloperRole(this, 'developer-role', { context, trust, tiers });
    const admins = new AdminRole(this, 'admin-role', {
      context,
      bucketPrefix: 'acme-claude-dev',
      trust,
    });
    const scp = new ScpDocument(this, 'scp', { project: 'acme-claude', tiers });

    new TerraformOutput(this, 'developer_role_arn', { value: developers.roleArn });
    new TerraformOutput(this, 'admin_role_arn', { value: admins.roleArn });
    new TerraformOutput(this, 'scp_policy_json', { value: scp.json });
  }
}

const app = new App();
new IamStack(app, 'iam-roles');
app.synth();
