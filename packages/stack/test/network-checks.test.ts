import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EnvironmentConfig } from '@claude-code-bedrock/core';
import { toDocumentStatements } from '@claude-code-bedrock/foundation';
import { TerraformStack, Testing } from 'cdktf';
import { ClaudeCodeBedrockStack } from '../src';
import { config } from './helpers';

const DENY_SID = 'DenyInvokeOutsideVpcEndpoint';

/** The environment stack with the developer policy's endpoint-only deny removed (escape hatch). */
function withoutDeny(c: EnvironmentConfig): TerraformStack {
  const app = Testing.app();
  const stack = new ClaudeCodeBedrockStack(app, c.environment, {
    config: c,
    localStateDir: '/tmp',
  });
  const role = stack.developerRole;
  const doc = new DataAwsIamPolicyDocument(stack, 'without-deny', {
    statement: toDocumentStatements(role.statements.filter((s) => s.sid !== DENY_SID)),
  });
  role.policy.policy = doc.json;
  return stack;
}

describe('the synth-time checks know the network section', () => {
  it('prod (requireVpcEndpoint) synthesizes with every check passing', () => {
    const c = config('prod');
    expect(c.network?.requireVpcEndpoint).toBe(true);
    const app = Testing.app();
    const stack = new ClaudeCodeBedrockStack(app, c.environment, {
      config: c,
      localStateDir: '/tmp',
    });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  it('requireVpcEndpoint without the endpoint-only deny fails synth with CCB-IAM-3', () => {
    expect(() => Testing.synth(withoutDeny(config('prod')), true)).toThrow(/\[CCB-IAM-3\]/);
  });

  it('without requireVpcEndpoint the same policy synthesizes', () => {
    const c = config('prod', (raw) => {
      raw.network!.requireVpcEndpoint = false;
    });
    expect(() => Testing.synth(withoutDeny(c), true)).not.toThrow();
  });
});
