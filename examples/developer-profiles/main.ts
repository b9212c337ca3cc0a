// One application inference profile per developer and model tier, tagged for cost attribution
// and ABAC, and the developer -> profile ARN map as an output.
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { resolveTiers } from '@claude-code-bedrock/core';
import { DeveloperProfiles } from '@claude-code-bedrock/allocation';

class ProfilesStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'us-east-1' });

    const profiles = new DeveloperProfiles(this, 'profiles', {
      context: {
        project: 'acme-claude',
        accountId: new DataAwsCallerIdentity(this, 'caller').accountId,
        region: 'us-east-1',
      },
      tiers: resolveTiers({ models: { sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' } }),
      developers: [
        { id: 'jane.doe@example.com', team: 'platform', costCenter: 'CC-100', tiers: ['sonnet'] },
      ],
    });

    new TerraformOutput(this, 'inference_profile_arns', {
      description: 'Developer id -> ARN of their sonnet profile.',
      value: profiles.arnsForTier('sonnet'),
    });
  }
}

const app = new App();
new ProfilesStack(app, 'developer-profiles');
app.synth();
