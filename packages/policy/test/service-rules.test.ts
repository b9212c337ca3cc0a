import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { BedrockInferenceProfile } from '@cdktf/provider-aws/lib/bedrock-inference-profile';
import { BedrockModelInvocationLoggingConfiguration } from '@cdktf/provider-aws/lib/bedrock-model-invocation-logging-configuration';
import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { TerraformIterator, TerraformLocal, TerraformStack } from 'cdktf';
import {
  athenaEnforceWorkgroup,
  bedrockInvocationLoggingText,
  logGroupRetention,
  snsNoAwsManagedKey,
  teamBudgets,
} from '../src';
import { addr, evaluateRule, newStack, resultFor } from './helpers';

describe('CCB-LOG-1 log group retention', () => {
  test('compliant: retention_in_days set', () => {
    const { stack } = newStack();
    const group = new CloudwatchLogGroup(stack, 'g', { name: '/x', retentionInDays: 30 });
    expect(resultFor(evaluateRule(logGroupRetention, stack), addr(group))).toMatchObject({
      status: 'compliant',
      reason: 'retention_in_days is 30',
    });
  });

  test('non-compliant: retention unset', () => {
    const { stack } = newStack();
    const group = new CloudwatchLogGroup(stack, 'g', { name: '/x' });
    expect(resultFor(evaluateRule(logGroupRetention, stack), addr(group)).status).toBe(
      'non-compliant',
    );
  });

  test('non-compliant: retention 0 (never expire)', () => {
    const { stack } = newStack();
    const group = new CloudwatchLogGroup(stack, 'g', { name: '/x', retentionInDays: 0 });
    expect(resultFor(evaluateRule(logGroupRetention, stack), addr(group)).reason).toContain(
      'never expire',
    );
  });
});

describe('CCB-SNS-1 no AWS-managed SNS key', () => {
  test('compliant: unencrypted, or a customer-managed key', () => {
    const { stack } = newStack();
    const plain = new SnsTopic(stack, 'plain', { name: 'plain' });
    const cmk = new SnsTopic(stack, 'cmk', {
      name: 'cmk',
      kmsMasterKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    const results = evaluateRule(snsNoAwsManagedKey, stack);
    expect(resultFor(results, addr(plain)).status).toBe('compliant');
    expect(resultFor(results, addr(cmk)).status).toBe('compliant');
  });

  test('non-compliant: alias/aws/sns by name or ARN', () => {
    const { stack } = newStack();
    const byName = new SnsTopic(stack, 'a', { name: 'a', kmsMasterKeyId: 'alias/aws/sns' });
    const byArn = new SnsTopic(stack, 'b', {
      name: 'b',
      kmsMasterKeyId: 'arn:aws:kms:us-east-1:123456789012:alias/aws/sns',
    });
    const results = evaluateRule(snsNoAwsManagedKey, stack);
    expect(resultFor(results, addr(byName)).status).toBe('non-compliant');
    expect(resultFor(results, addr(byArn)).status).toBe('non-compliant');
  });

  test('non-compliant: a reference to the alias/aws/sns data source', () => {
    const { stack } = newStack();
    const alias = new DataAwsKmsAlias(stack, 'alias', { name: 'alias/aws/sns' });
    const topic = new SnsTopic(stack, 't', { name: 't', kmsMasterKeyId: alias.arn });
    expect(resultFor(evaluateRule(snsNoAwsManagedKey, stack), addr(topic)).status).toBe(
      'non-compliant',
    );
  });
});

function loggingConfig(stack: TerraformStack, text: boolean) {
  return new BedrockModelInvocationLoggingConfiguration(stack, 'logging', {
    loggingConfig: {
      textDataDeliveryEnabled: text,
      s3Config: { bucketName: 'logs-bucket', keyPrefix: 'bedrock' },
    },
  });
}

describe('CCB-BR-1 invocation logging covers text', () => {
  test('compliant: text delivered to S3', () => {
    const { stack } = newStack();
    const c = loggingConfig(stack, true);
    expect(resultFor(evaluateRule(bedrockInvocationLoggingText, stack), addr(c))).toMatchObject({
      status: 'compliant',
      reason: 'text delivered to S3',
    });
  });

  test('non-compliant: text delivery off', () => {
    const { stack } = newStack();
    const c = loggingConfig(stack, false);
    expect(resultFor(evaluateRule(bedrockInvocationLoggingText, stack), addr(c)).reason).toContain(
      'text_data_delivery_enabled',
    );
  });
});

describe('CCB-ATH-1 Athena workgroups enforce configuration', () => {
  test('compliant: enforce_workgroup_configuration true', () => {
    const { stack } = newStack();
    const wg = new AthenaWorkgroup(stack, 'wg', {
      name: 'wg',
      configuration: { enforceWorkgroupConfiguration: true },
    });
    expect(resultFor(evaluateRule(athenaEnforceWorkgroup, stack), addr(wg)).status).toBe(
      'compliant',
    );
  });

  test('non-compliant: enforcement off', () => {
    const { stack } = newStack();
    const wg = new AthenaWorkgroup(stack, 'wg', {
      name: 'wg',
      configuration: { enforceWorkgroupConfiguration: false },
    });
    expect(resultFor(evaluateRule(athenaEnforceWorkgroup, stack), addr(wg)).status).toBe(
      'non-compliant',
    );
  });

  test('non-compliant: no configuration block', () => {
    const { stack } = newStack();
    const wg = new AthenaWorkgroup(stack, 'wg', { name: 'wg' });
    expect(resultFor(evaluateRule(athenaEnforceWorkgroup, stack), addr(wg)).reason).toContain(
      'no configuration block',
    );
  });
});

function teamBudget(stack: TerraformStack, team: string): BudgetsBudget {
  return new BudgetsBudget(stack, `team-${team}`, {
    name: `acme-${team}`,
    budgetType: 'COST',
    timeUnit: 'MONTHLY',
    limitAmount: '100',
    limitUnit: 'USD',
    costFilter: [{ name: 'TagKeyValue', values: [`user:Team$${team}`] }],
  });
}

describe('CCB-BUD-1 a budget per team', () => {
  test('compliant: every given team has a budget on its Team tag', () => {
    const { stack } = newStack();
    const budget = teamBudget(stack, 'platform');
    expect(evaluateRule(teamBudgets, stack, { teams: ['platform'] })).toEqual([
      {
        address: addr(budget),
        status: 'compliant',
        reason: "budget for team 'platform' filters on user:Team$platform",
      },
    ]);
  });

  test('non-compliant: a given team without a budget is a stack-level finding', () => {
    const { stack } = newStack();
    teamBudget(stack, 'platform');
    const results = evaluateRule(teamBudgets, stack, { teams: ['platform', 'payments'] });
    expect(results.find((r) => r.status === 'non-compliant')).toEqual({
      status: 'non-compliant',
      reason:
        "team 'payments' has no aws_budgets_budget filtered on TagKeyValue user:Team$payments",
    });
  });

  test('non-compliant: teams are also read from inference-profile Team tags', () => {
    const { stack } = newStack();
    new BedrockInferenceProfile(stack, 'profile', {
      name: 'jane',
      tags: { Team: 'ml', User: 'jane' },
      modelSource: [{ copyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/x' }],
    });
    const results = evaluateRule(teamBudgets, stack);
    expect(results).toEqual([expect.objectContaining({ status: 'non-compliant' })]);
    expect(results[0].reason).toContain("team 'ml'");
  });

  test('non-compliant: teams are read from the entries of for_each profiles', () => {
    const { stack } = newStack();
    teamBudget(stack, 'ml');
    new BedrockInferenceProfile(stack, 'profiles', {
      forEach: TerraformIterator.fromMap({
        'jane/opus': { name: 'jane-opus', user: 'jane', team: 'ml' },
        'bob/opus': { name: 'bob-opus', user: 'bob', team: 'data' },
      }),
      name: '${each.value.name}',
      tags: { Team: '${each.value.team}', User: '${each.value.user}' },
      modelSource: [{ copyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/x' }],
    });
    const results = evaluateRule(teamBudgets, stack);
    expect(results.map((r) => r.status).sort()).toEqual(['compliant', 'non-compliant']);
    expect(results.find((r) => r.status === 'non-compliant')!.reason).toContain("team 'data'");
  });

  test('non-compliant: teams are read from for_each maps held in locals (DeveloperProfiles)', () => {
    const { stack } = newStack();
    teamBudget(stack, 'ml');
    const entries = new TerraformLocal(stack, 'entries', {
      'jane/opus': { name: 'jane-opus', user: 'jane', team: 'ml' },
      'bob/opus': { name: 'bob-opus', user: 'bob', team: 'data' },
    });
    // A local that only points at another local is followed too.
    const alias = new TerraformLocal(stack, 'alias', entries.expression);
    const each = TerraformIterator.fromMap(alias.asAnyMap);
    new BedrockInferenceProfile(stack, 'profiles', {
      forEach: each,
      name: each.getString('name'),
      tags: { Team: each.getString('team'), User: each.getString('user') },
      modelSource: [{ copyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/x' }],
    });
    const results = evaluateRule(teamBudgets, stack);
    expect(results.map((r) => r.status).sort()).toEqual(['compliant', 'non-compliant']);
    expect(results.find((r) => r.status === 'non-compliant')!.reason).toContain("team 'data'");
  });

  test('not applicable: no teams known', () => {
    const { stack } = newStack();
    expect(evaluateRule(teamBudgets, stack)[0].status).toBe('not-applicable');
  });
});
