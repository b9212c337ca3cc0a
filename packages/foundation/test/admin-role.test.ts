import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Testing } from 'cdktf';
import { AdminRole, AdminRoleProps, MANAGED_POLICY_MAX_CHARS } from '../src';
import { ACCOUNT, CONTEXT, ROOT_TRUST, US_REGIONS, bySid, synthDocuments } from './helpers';

const BASE: AdminRoleProps = {
  context: CONTEXT,
  bucketPrefix: 'acme-claude-dev',
  trust: ROOT_TRUST,
};

function admin(props: Partial<AdminRoleProps> = {}) {
  return synthDocuments(
    (scope) => new AdminRole(scope, 'admin', { ...BASE, ...props }),
    (a) => ({ policy: a.policyDocument, trust: a.trustPolicyDocument }),
  );
}

const PROFILES = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/*`;

describe('AdminRole resources', () => {
  test('creates the role {project}-admin with its managed policy', () => {
    const { synth } = admin({ maxSessionDurationSeconds: 7200 });
    expect(synth).toHaveResourceWithProperties(IamRole, {
      name: 'acme-claude-admin',
      max_session_duration: 7200,
    });
    expect(synth).toHaveResourceWithProperties(IamPolicy, { name: 'acme-claude-admin' });
  });

  test('trusts the configured principals', () => {
    const s = bySid(admin().docs.trust, 'AssumeFromIamPrincipals');
    expect(s.principals).toEqual([{ type: 'AWS', identifiers: ROOT_TRUST.principals }]);
  });

  test('grantQueryResults lets the role write Athena results to the bucket', () => {
    const synth = Testing.synthScope((scope) => {
      const role = new AdminRole(scope, 'admin', BASE);
      role.grantQueryResults(
        new S3Bucket(scope, 'results', { bucket: 'acme-claude-dev-athena-results' }),
      );
    });
    const policies = Object.values(JSON.parse(synth).resource.aws_iam_role_policy) as {
      policy: string;
    }[];
    expect(synth).toHaveResourceWithProperties(IamRolePolicy, { name: 'athena-results-results' });
    const doc = JSON.parse(policies[0].policy);
    expect(doc.Statement[0].Action).toContain('s3:PutObject');
    expect(doc.Statement[0].Resource).toEqual([
      '${aws_s3_bucket.results.arn}',
      '${aws_s3_bucket.results.arn}/*',
    ]);
  });
});

describe('AdminRole permissions', () => {
  test('creates inference profiles only when tagged Project={project}', () => {
    const s = bySid(admin().docs.policy, 'CreateProjectProfiles');
    expect(s.actions).toEqual(['bedrock:CreateInferenceProfile']);
    expect(s.resources).toContain(PROFILES);
    expect(s.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:RequestTag/Project', values: ['acme-claude'] },
    ]);
  });

  test('tags a new (untagged) profile only with Project={project}', () => {
    const s = bySid(admin().docs.policy, 'TagNewProjectProfiles');
    expect(s.actions).toEqual(['bedrock:TagResource']);
    expect(s.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:RequestTag/Project', values: ['acme-claude'] },
      { test: 'Null', variable: 'aws:ResourceTag/Project', values: ['true'] },
    ]);
  });

  test("deletes and retags only this project's profiles, without moving them to another project", () => {
    const s = bySid(admin().docs.policy, 'ManageProjectProfiles');
    expect(s.actions).toEqual([
      'bedrock:DeleteInferenceProfile',
      'bedrock:TagResource',
      'bedrock:UntagResource',
    ]);
    expect(s.resources).toEqual([PROFILES]);
    expect(s.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:ResourceTag/Project', values: ['acme-claude'] },
      { test: 'StringEqualsIfExists', variable: 'aws:RequestTag/Project', values: ['acme-claude'] },
    ]);
  });

  test('denies removing the Project tag from a profile', () => {
    const s = bySid(admin().docs.policy, 'KeepProjectTagOnProfiles');
    expect(s.effect).toBe('Deny');
    expect(s.condition).toEqual([
      { test: 'ForAnyValue:StringEquals', variable: 'aws:TagKeys', values: ['Project'] },
    ]);
  });

  test('manages the model invocation logging configuration and passes only the logging role to Bedrock', () => {
    const { docs } = admin();
    expect(bySid(docs.policy, 'ManageInvocationLogging').actions).toEqual([
      'bedrock:DeleteModelInvocationLoggingConfiguration',
      'bedrock:GetModelInvocationLoggingConfiguration',
      'bedrock:PutModelInvocationLoggingConfiguration',
    ]);
    const pass = bySid(docs.policy, 'PassLoggingRoleToBedrock');
    expect(pass.resources).toEqual([`arn:aws:iam::${ACCOUNT}:role/acme-claude-bedrock-logging`]);
    expect(pass.condition).toEqual([
      { test: 'StringEquals', variable: 'iam:PassedToService', values: ['bedrock.amazonaws.com'] },
    ]);
  });

  test("reads only the platform's log groups", () => {
    const s = bySid(admin().docs.policy, 'ReadPlatformLogGroups');
    expect(s.actions).toContain('logs:StartQuery');
    expect(s.resources).toEqual([
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/bedrock/acme-claude-*`,
    ]);
  });

  test("reads only the platform's buckets and objects", () => {
    const { docs } = admin();
    expect(bySid(docs.policy, 'ListPlatformBuckets').resources).toEqual([
      'arn:aws:s3:::acme-claude-dev-*',
    ]);
    const objects = bySid(docs.policy, 'ReadPlatformObjects');
    expect(objects.actions).toEqual([
      's3:GetObject',
      's3:GetObjectVersion',
      's3:GetObjectRetention',
    ]);
    expect(objects.resources).toEqual(['arn:aws:s3:::acme-claude-dev-*/*']);
  });

  test("queries only the platform's Athena workgroup and Glue database", () => {
    const { docs } = admin();
    expect(bySid(docs.policy, 'QueryPlatformWorkgroup').resources).toEqual([
      `arn:aws:athena:us-east-1:${ACCOUNT}:workgroup/acme-claude-bedrock-logs`,
    ]);
    expect(bySid(docs.policy, 'ReadPlatformCatalog').resources).toEqual([
      `arn:aws:glue:us-east-1:${ACCOUNT}:catalog`,
      `arn:aws:glue:us-east-1:${ACCOUNT}:database/acme_claude_bedrock_logs`,
      `arn:aws:glue:us-east-1:${ACCOUNT}:table/acme_claude_bedrock_logs/*`,
    ]);
  });

  test("views the platform's budgets and describes its trails", () => {
    const { docs } = admin();
    expect(bySid(docs.policy, 'ViewPlatformBudgets').resources).toEqual([
      `arn:aws:budgets::${ACCOUNT}:budget/acme-claude-*`,
    ]);
    const trails = bySid(docs.policy, 'ReadPlatformAlarmsTopicsTrails');
    expect(trails.actions).toContain('cloudtrail:GetTrailStatus');
    expect(trails.resources).toContain(
      `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/acme-claude-*`,
    );
    expect(bySid(docs.policy, 'ReadCostsMetricsAndTrails').actions).toContain(
      'cloudtrail:DescribeTrails',
    );
  });

  test('denies Bedrock API keys like the developer role', () => {
    const { docs } = admin();
    expect(bySid(docs.policy, 'DenyBedrockApiKeys').effect).toBe('Deny');
    expect(bySid(docs.policy, 'DenyBedrockApiKeyCreation').effect).toBe('Deny');
  });

  test('denies Bedrock outside the allowed regions when configured', () => {
    const s = bySid(
      admin({ allowedRegions: US_REGIONS }).docs.policy,
      'DenyBedrockOutsideAllowedRegions',
    );
    expect(s.condition).toEqual([
      { test: 'StringNotEquals', variable: 'aws:RequestedRegion', values: US_REGIONS },
    ]);
  });

  test('allows no wildcard action: no "*", no "service:*", no "service:Verb*"', () => {
    const allows = admin({ allowedRegions: US_REGIONS }).docs.policy.filter(
      (s) => s.effect === 'Allow',
    );
    for (const s of allows) {
      for (const action of s.actions ?? []) expect(action).not.toMatch(/\*/);
      expect(s.not_actions).toBeUndefined();
      expect(s.not_resources).toBeUndefined();
    }
  });

  test('fits the managed-policy limit', () => {
    let role: AdminRole | undefined;
    Testing.synthScope((scope) => {
      role = new AdminRole(scope, 'admin', { ...BASE, allowedRegions: US_REGIONS });
    });
    expect(role!.policySize).toBeLessThan(MANAGED_POLICY_MAX_CHARS);
  });
});

describe('AdminRole validation', () => {
  const build = (props: Partial<AdminRoleProps>) => () =>
    Testing.synthScope((scope) => {
      new AdminRole(scope, 'admin', { ...BASE, ...props });
    });

  test('rejects an empty trust (e.g. developers federated by SAML and no admins configured)', () => {
    expect(build({ trust: { principals: undefined } })).toThrow(
      /trust: must name principals, saml or oidc/,
    );
  });

  test('rejects a malformed principal ARN, naming it', () => {
    expect(build({ trust: { principals: ['arn:aws:iam::123456789012:group/admins'] } })).toThrow(
      /"arn:aws:iam::123456789012:group\/admins"/,
    );
  });

  test('rejects an invalid bucket prefix', () => {
    expect(build({ bucketPrefix: 'Acme.Claude' })).toThrow(/bucketPrefix: .*"Acme\.Claude"/);
  });
});

describe('AdminRole deprecated top-level project, accountId and region', () => {
  const { context, ...rest } = BASE;
  const synth = (props: AdminRoleProps) => () =>
    Testing.synthScope((scope) => {
      new AdminRole(scope, 'admin', props);
    });

  test('build what context builds, and cannot be combined with it', () => {
    const flat = { ...rest, ...CONTEXT };
    expect(synth(flat)()).toEqual(synth(BASE)());
    expect(synth({ ...flat, context })).toThrow(
      /accountId: cannot be combined with context: pass it as context\.accountId/,
    );
  });
});
