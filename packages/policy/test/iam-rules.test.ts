import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformStack } from 'cdktf';
import { iamDeveloperBearerTokenDeny, iamNoAdminWildcard } from '../src';
import { addr, evaluateRule, newStack, resultFor } from './helpers';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'sts:AssumeRole',
    },
  ],
});

const BEARER_DENY = {
  Effect: 'Deny',
  Action: 'bedrock:CallWithBearerToken',
  Resource: '*',
};

function policyJson(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function role(stack: TerraformStack, name: string, tags?: Record<string, string>): IamRole {
  return new IamRole(stack, name, { name, assumeRolePolicy: TRUST, tags });
}

describe('CCB-IAM-1 no Allow * on *', () => {
  test('non-compliant: a policy document statement allowing * on *', () => {
    const { stack } = newStack();
    const doc = new DataAwsIamPolicyDocument(stack, 'doc', {
      statement: [{ sid: 'Everything', effect: 'Allow', actions: ['*'], resources: ['*'] }],
    });
    const result = resultFor(evaluateRule(iamNoAdminWildcard, stack), `data.${addr(doc)}`);
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain("'Everything'");
  });

  test('non-compliant: a managed policy JSON allowing *:* on *', () => {
    const { stack } = newStack();
    const policy = new IamPolicy(stack, 'admin', {
      name: 'admin',
      policy: policyJson({ Effect: 'Allow', Action: '*:*', Resource: '*' }),
    });
    expect(resultFor(evaluateRule(iamNoAdminWildcard, stack), addr(policy)).status).toBe(
      'non-compliant',
    );
  });

  test('non-compliant: an inline role policy block allowing * on *', () => {
    const { stack } = newStack();
    const r = new IamRole(stack, 'r', {
      name: 'r',
      assumeRolePolicy: TRUST,
      inlinePolicy: [
        { name: 'all', policy: policyJson({ Effect: 'Allow', Action: ['*'], Resource: ['*'] }) },
      ],
    });
    expect(resultFor(evaluateRule(iamNoAdminWildcard, stack), addr(r)).status).toBe(
      'non-compliant',
    );
  });

  test('compliant: scoped actions, and a Deny of * on *', () => {
    const { stack } = newStack();
    const r = role(stack, 'reader');
    const inline = new IamRolePolicy(stack, 'inline', {
      role: r.name,
      policy: policyJson(
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Deny', Action: '*', Resource: '*' },
      ),
    });
    const results = evaluateRule(iamNoAdminWildcard, stack);
    expect(resultFor(results, addr(inline)).status).toBe('compliant');
    expect(resultFor(results, addr(r)).status).toBe('compliant');
  });

  test('not applicable: a policy that only references a document (judged at the document)', () => {
    const { stack } = newStack();
    const doc = new DataAwsIamPolicyDocument(stack, 'doc', {
      statement: [{ effect: 'Allow', actions: ['*'], resources: ['*'] }],
    });
    const policy = new IamPolicy(stack, 'p', { name: 'p', policy: doc.json });
    const results = evaluateRule(iamNoAdminWildcard, stack);
    expect(resultFor(results, addr(policy)).status).toBe('not-applicable');
    expect(resultFor(results, `data.${addr(doc)}`).status).toBe('non-compliant');
  });
});

describe('CCB-IAM-2 developer roles deny bearer tokens', () => {
  test('compliant: managed policy attached to a *-developer role, from a policy document', () => {
    const { stack } = newStack();
    const r = role(stack, 'acme-developer');
    const doc = new DataAwsIamPolicyDocument(stack, 'doc', {
      statement: [
        { effect: 'Allow', actions: ['bedrock:InvokeModel'], resources: ['*'] },
        { sid: 'DenyKeys', effect: 'Deny', actions: [BEARER_DENY.Action], resources: ['*'] },
      ],
    });
    const policy = new IamPolicy(stack, 'policy', { name: 'acme-developer', policy: doc.json });
    new IamRolePolicyAttachment(stack, 'attach', { role: r.name, policyArn: policy.arn });
    const result = resultFor(evaluateRule(iamDeveloperBearerTokenDeny, stack), addr(r));
    expect(result.status).toBe('compliant');
    expect(result.reason).toContain(`data.${addr(doc)}`);
  });

  test('compliant: an inline role policy denying bedrock:* on *', () => {
    const { stack } = newStack();
    const r = role(stack, 'acme-developer');
    new IamRolePolicy(stack, 'inline', {
      role: r.id,
      policy: policyJson({ Effect: 'Deny', Action: 'bedrock:*', Resource: '*' }),
    });
    expect(resultFor(evaluateRule(iamDeveloperBearerTokenDeny, stack), addr(r)).status).toBe(
      'compliant',
    );
  });

  test('non-compliant: a developer role without the deny', () => {
    const { stack } = newStack();
    const r = role(stack, 'acme-developer');
    new IamRolePolicy(stack, 'inline', {
      role: r.name,
      policy: policyJson({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }),
    });
    const result = resultFor(evaluateRule(iamDeveloperBearerTokenDeny, stack), addr(r));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain('bedrock:CallWithBearerToken');
  });

  test('non-compliant: a conditional deny does not count', () => {
    const { stack } = newStack();
    const r = role(stack, 'acme-developer');
    new IamRolePolicy(stack, 'inline', {
      role: r.name,
      policy: policyJson({
        ...BEARER_DENY,
        Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      }),
    });
    expect(resultFor(evaluateRule(iamDeveloperBearerTokenDeny, stack), addr(r)).status).toBe(
      'non-compliant',
    );
  });

  test('non-compliant: a role marked by the developer tag', () => {
    const { stack } = newStack();
    const r = role(stack, 'engineers', { ClaudeCodeRole: 'developer' });
    expect(resultFor(evaluateRule(iamDeveloperBearerTokenDeny, stack), addr(r)).status).toBe(
      'non-compliant',
    );
  });

  test('a custom developer tag is honoured', () => {
    const { stack } = newStack();
    const r = role(stack, 'engineers', { Persona: 'dev' });
    const results = evaluateRule(iamDeveloperBearerTokenDeny, stack, {
      developerRoleTag: { key: 'Persona', value: 'dev' },
    });
    expect(resultFor(results, addr(r)).status).toBe('non-compliant');
  });

  test('not applicable: other roles', () => {
    const { stack } = newStack();
    const r = role(stack, 'acme-admin');
    expect(resultFor(evaluateRule(iamDeveloperBearerTokenDeny, stack), addr(r)).status).toBe(
      'not-applicable',
    );
  });
});
