// Audit logging for auditors: model invocation logs to CloudWatch Logs and S3, a CloudTrail trail,
// and immutable retention (Object Lock in COMPLIANCE mode) for 7 years.
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BedrockAuditLogging } from '@claude-code-bedrock/logging';

class AuditLoggingStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'us-east-1' });

    const logging = new BedrockAuditLogging(this, 'Logging', {
      context: {
        project: 'acme-claude',
        accountId: '123456789012', // or new DataAwsCallerIdentity(this, 'me').accountId
        region: 'us-east-1',
      },
      bucketPrefix: 'acme-claude-prod',
      // Immutable retention (SOX): omit these four for the defaults (no Object Lock, objects
      // expire after 365 days, CloudWatch Logs keep 30 days).
      objectLock: { mode: 'COMPLIANCE', days: 2557 },
      expirationDays: 2557,
      cloudtrail: { expirationDays: 2557 },
      logRetentionDays: 365,
    });

    new TerraformOutput(this, 'log_group_name', { value: logging.logGroup.name });
    new TerraformOutput(this, 'invocation_logs_bucket', { value: logging.bucket.bucket });
    new TerraformOutput(this, 'cloudtrail_arn', { value: logging.trail?.arn ?? '' });
  }
}

const app = new App();
new AuditLoggingStack(app, 'audit-logging');
app.synth();
