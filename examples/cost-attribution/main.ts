// Per-developer cost attribution: the invocation logs (logging), one profile per developer and
// tier (allocation), and the Glue table, profile mapping, Athena workgroup and saved cost queries
// over them (attribution).
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { resolveTiers } from '@claude-code-bedrock/core';
import { BedrockAuditLogging } from '@claude-code-bedrock/logging';
import { DeveloperProfiles } from '@claude-code-bedrock/allocation';
import { CostAttribution } from '@claude-code-bedrock/attribution';

// Where everything lives: passed to every construct as `context`.
const context = { project: 'acme-claude', accountId: '123456789012', region: 'us-east-1' };
const tiers = resolveTiers({ models: { sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' } });
const developers = [
  { id: 'jane.doe@example.com', team: 'platform', costCenter: 'CC-100', tiers: ['sonnet'] },
  { id: 'sam.lee@example.com', team: 'payments', costCenter: 'CC-200', tiers: ['sonnet'] },
];

class CostAttributionStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: context.region });

    const logging = new BedrockAuditLogging(this, 'Logging', {
      context,
      bucketPrefix: 'acme-claude-dev',
    });
    const allocation = new DeveloperProfiles(this, 'Profiles', { context, tiers, developers });

    const attribution = new CostAttribution(this, 'Attribution', {
      context,
      bucketPrefix: 'acme-claude-dev',
      logBucket: logging.bucket, // the invocation-log S3Bucket
      logKeyPrefix: logging.s3KeyPrefix, // where the logging configuration writes records
      prices: { sonnet: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } },
      tiers,
      profiles: developers.flatMap((d) =>
        d.tiers.map((tier) => ({
          developerId: d.id,
          team: d.team,
          costCenter: d.costCenter,
          tier,
          profileArn: allocation.profileFor(d.id, tier).arn, // a token is fine
        })),
      ),
    });

    new TerraformOutput(this, 'athena_workgroup', { value: attribution.workgroup.name });
    new TerraformOutput(this, 'athena_database', { value: attribution.database.name });
    new TerraformOutput(this, 'athena_results_bucket', {
      value: attribution.resultsBucket.bucket,
    });
    new TerraformOutput(this, 'glue_table', { value: attribution.table.name });
  }
}

const app = new App();
new CostAttributionStack(app, 'cost-attribution');
app.synth();
