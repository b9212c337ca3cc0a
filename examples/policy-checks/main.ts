// Synth-time policy checks on your own stack: error findings fail `app.synth()`; a suppression
// needs a reason and is listed in the compliance report.
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { BedrockAuditLogging } from '@claude-code-bedrock/logging';
import { applyChecks, suppress } from '@claude-code-bedrock/policy';

class MyStack extends TerraformStack {
  readonly scratchLogs: CloudwatchLogGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'us-east-1' });
    new BedrockAuditLogging(this, 'Logging', {
      context: { project: 'acme-claude', accountId: '123456789012', region: 'us-east-1' },
      bucketPrefix: 'acme-claude-prod',
    });
    // No retention_in_days: rule CCB-LOG-1 reports it (an error) unless suppressed.
    this.scratchLogs = new CloudwatchLogGroup(this, 'ScratchLogs', { name: '/acme/scratch' });
  }
}

const app = new App();
const stack = new MyStack(app, 'prod');
applyChecks(stack, { teams: [] }); // = Aspects.of(stack).add(new ClaudeCodeBedrockChecks(...))
suppress(stack.scratchLogs, 'CCB-LOG-1', 'emptied nightly by the scratch-cleanup job'); // reason required
app.synth(); // throws, listing every error finding with its construct path, rule id and fix
