// Tests of iam_evaluator.mjs: node --test emulator/iam_evaluator.test.mjs
//
// The developer policy and the SCP are rendered from the built packages (packages/*/dist) for the
// dev configuration (apps/dev/config.yaml), so the evaluator sees the statements the stack deploys.
// Build first: npm run build

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { evaluate } from './iam_evaluator.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
// The tests evaluate the policies the stack deploys, rendered from the built packages: they fail
// (rather than skip) when the packages are not built.
if (
  !existsSync(join(ROOT, 'packages/foundation/dist/index.js')) ||
  !existsSync(join(ROOT, 'packages/core/dist/index.js'))
) {
  throw new Error('packages not built: run `npm run build` first');
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const JANE = 'jane.doe@example.com';
const ROLE_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/acme-claude-developer/${JANE}`;
const APP_PROFILE = `arn:aws:bedrock:${REGION}:${ACCOUNT}:application-inference-profile/abc123def456`;
const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const SONNET_PROFILE = `arn:aws:bedrock:${REGION}:${ACCOUNT}:inference-profile/${SONNET}`;
const sonnetModel = (region) =>
  `arn:aws:bedrock:${region}::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0`;

/** The dev environment's developer policy and SCP, rendered by the packages. */
function renderPolicies(identity) {
  const require = createRequire(join(ROOT, 'package.json'));
  const core = require('@claude-code-bedrock/core');
  const foundation = require('@claude-code-bedrock/foundation');
  const config = core.loadConfigFile(join(ROOT, 'apps/dev/config.yaml'));
  const tiers = core.resolveTiers(config);
  const input = {
    partition: 'aws',
    region: config.region,
    accountId: config.accountId,
    project: config.project,
    tiers,
    identity: identity ?? config.access.identity,
    allowedRegions: config.access.allowedRegions,
  };
  return {
    project: config.project,
    developer: foundation.toPolicyDocument(foundation.developerPolicyStatements(input)),
    scp: foundation.toPolicyDocument(
      foundation.scpStatements('aws', tiers, config.access.allowedRegions),
    ),
  };
}

const policies = renderPolicies();
const usernamePolicies = renderPolicies('username');

/** A Bedrock InvokeModel request by Jane's developer-role session on her application profile. */
function invoke(overrides = {}, context = {}) {
  return {
    principalArn: ROLE_SESSION,
    action: 'bedrock:InvokeModel',
    resourceArn: APP_PROFILE,
    resourceAccount: ACCOUNT,
    identityPolicies: [{ name: 'acme-claude-developer', document: policies.developer }],
    ...overrides,
    context: {
      'aws:PrincipalTag/User': JANE,
      'aws:ResourceTag/User': JANE,
      'aws:ResourceTag/Project': policies.project,
      'aws:RequestedRegion': REGION,
      ...context,
    },
  };
}

/** The model hop: the foundation model in a destination region, reached through `profileArn`. */
function modelHop(region, profileArn, extraContext = {}) {
  const context = {
    'aws:PrincipalTag/User': JANE,
    'aws:RequestedRegion': region,
    ...(profileArn ? { 'bedrock:InferenceProfileArn': profileArn } : {}),
    ...extraContext,
  };
  return { ...invoke(), resourceArn: sonnetModel(region), resourceAccount: undefined, context };
}

async function one(request) {
  const [result] = await evaluate([request]);
  return result;
}

const allow = (statements) => ({ decision: 'Allowed', deniedBy: null, statements });
const implicit = (deniedBy) => ({ decision: 'ImplicitlyDenied', deniedBy, statements: [] });
const explicit = (deniedBy, statements) => ({ decision: 'ExplicitlyDenied', deniedBy, statements });

describe('developer policy (apps/dev)', () => {
  test('ABAC: aws:ResourceTag/User = ${aws:PrincipalTag/User} allows the own profile', async () => {
    assert.deepEqual(await one(invoke()), allow(['InvokeOwnApplicationInferenceProfiles']));
    const stream = invoke({ action: 'bedrock:InvokeModelWithResponseStream' });
    assert.equal((await one(stream)).decision, 'Allowed');
  });

  test('implicit deny when the principal tag is missing or different', async () => {
    const missing = invoke();
    delete missing.context['aws:PrincipalTag/User'];
    assert.deepEqual(await one(missing), implicit('identity'));
    const other = invoke({}, { 'aws:PrincipalTag/User': 'bob.smith' });
    assert.deepEqual(await one(other), implicit('identity'));
    const otherProject = invoke({}, { 'aws:ResourceTag/Project': 'someone-else' });
    assert.deepEqual(await one(otherProject), implicit('identity'));
  });

  test('explicit deny: Bedrock API keys (wildcard-only action, resource coerced to "*")', async () => {
    const bearer = invoke({ action: 'bedrock:CallWithBearerToken' });
    assert.deepEqual(await one(bearer), explicit('identity', ['DenyBedrockApiKeys']));
    const star = invoke({ action: 'bedrock:CallWithBearerToken', resourceArn: '*' });
    assert.deepEqual(await one(star), explicit('identity', ['DenyBedrockApiKeys']));
  });

  test('ArnLike on bedrock:InferenceProfileArn: model hop only through an application profile', async () => {
    for (const region of ['us-east-1', 'us-east-2', 'us-west-2']) {
      assert.deepEqual(
        await one(modelHop(region, APP_PROFILE)),
        allow(['InvokeModelsOnlyViaApplicationProfiles']),
        region,
      );
    }
    assert.deepEqual(await one(modelHop('us-east-2', undefined)), implicit('identity'));
    assert.deepEqual(await one(modelHop('us-east-2', SONNET_PROFILE)), implicit('identity'));
    // The system-profile hop in the home region follows the same rule.
    const profileHop = { ...modelHop(REGION, APP_PROFILE), resourceArn: SONNET_PROFILE };
    profileHop.resourceAccount = ACCOUNT;
    assert.deepEqual(
      await one(profileHop),
      allow(['InvokeSystemProfilesOnlyViaApplicationProfiles']),
    );
    // A model that is not a tier is not allowed even through an application profile.
    const opus3 = {
      ...modelHop('us-east-2', APP_PROFILE),
      resourceArn:
        'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-3-opus-20240229-v1:0',
    };
    assert.deepEqual(await one(opus3), implicit('identity'));
  });

  test('StringNotEquals on aws:RequestedRegion denies other regions', async () => {
    const frankfurt = invoke({}, { 'aws:RequestedRegion': 'eu-central-1' });
    assert.deepEqual(
      await one(frankfurt),
      explicit('identity', ['DenyBedrockOutsideAllowedRegions']),
    );
    const list = invoke({ action: 'bedrock:ListFoundationModels', resourceArn: '*' });
    assert.deepEqual(await one(list), allow(['ListModelsAndProfiles']));
    list.context['aws:RequestedRegion'] = 'eu-central-1';
    assert.equal((await one(list)).decision, 'ExplicitlyDenied');
    // A negated operator matches when the key is absent (AWS semantics), so the deny applies.
    const noRegion = invoke();
    delete noRegion.context['aws:RequestedRegion'];
    assert.equal((await one(noRegion)).decision, 'ExplicitlyDenied');
  });

  test('${aws:username} for IAM users (derived from the user ARN or given)', async () => {
    const user = (name, context = {}) => ({
      ...invoke(),
      principalArn: `arn:aws:iam::${ACCOUNT}:user/developers/${name}`,
      identityPolicies: [{ name: 'developer', document: usernamePolicies.developer }],
      context: {
        'aws:ResourceTag/User': 'bob.smith',
        'aws:ResourceTag/Project': policies.project,
        'aws:RequestedRegion': REGION,
        ...context,
      },
    });
    assert.deepEqual(
      await one(user('bob.smith')),
      allow(['InvokeOwnApplicationInferenceProfiles']),
    );
    assert.deepEqual(await one(user('jane')), implicit('identity'));
    // An explicit aws:username wins over the derived one.
    const given = user('jane', { 'aws:username': 'bob.smith' });
    assert.equal((await one(given)).decision, 'Allowed');
  });

  test('SCP deny overrides an identity allow (FullAWSAccess implied at the account)', async () => {
    const admin = {
      name: 'broad',
      document: {
        Version: '2012-10-17',
        Statement: [{ Sid: 'AllBedrock', Effect: 'Allow', Action: 'bedrock:*', Resource: '*' }],
      },
    };
    const scp = [{ name: 'acme-claude-bedrock-guardrails', document: policies.scp }];
    const opus3 =
      'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-3-opus-20240229-v1:0';
    const unapproved = modelHop('us-east-2', APP_PROFILE);
    Object.assign(unapproved, { resourceArn: opus3, identityPolicies: [admin] });
    assert.deepEqual(await one(unapproved), allow(['AllBedrock']));
    unapproved.serviceControlPolicies = scp;
    assert.deepEqual(await one(unapproved), explicit('scp', ['DenyUnapprovedModels']));

    const approved = { ...modelHop('us-east-2', APP_PROFILE), serviceControlPolicies: scp };
    assert.deepEqual(await one(approved), allow(['InvokeModelsOnlyViaApplicationProfiles']));

    // Both the SCP and the identity policy deny: reported as the SCP (AWS's evaluation order).
    const region = invoke({ serviceControlPolicies: scp }, { 'aws:RequestedRegion': 'eu-west-1' });
    const result = await one(region);
    assert.equal(result.deniedBy, 'scp');
    assert.deepEqual(result.statements.toSorted(), [
      'DenyBedrockOutsideAllowedRegions',
      'DenyModelsOutsideApprovedRegions',
    ]);

    // Levels form: used as given, no implied FullAWSAccess (an allow-list SCP without Bedrock).
    const allowList = invoke({
      serviceControlPolicies: [
        {
          orgIdentifier: 'r-root',
          policies: [
            {
              name: 'OnlyS3',
              document: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
              },
            },
          ],
        },
      ],
    });
    assert.deepEqual(await one(allowList), implicit('scp'));
  });

  test('CountTokens on an application profile (a resource type iam-data does not list for it)', async () => {
    const count = invoke({ action: 'bedrock:CountTokens' });
    assert.deepEqual(await one(count), allow(['CountTokens']));
    const model = { ...count, resourceArn: sonnetModel('us-west-2'), resourceAccount: undefined };
    assert.deepEqual(await one(model), allow(['CountTokens']));
    // Another account's profile is not this account's to count against.
    const other = {
      ...count,
      resourceArn: 'arn:aws:bedrock:us-east-1:210987654321:application-inference-profile/abc',
      resourceAccount: '210987654321',
    };
    assert.notEqual((await one(other)).decision, 'Allowed');
  });

  test('Marketplace subscription only when Bedrock calls (aws:CalledViaLast)', async () => {
    const subscribe = invoke(
      { action: 'aws-marketplace:Subscribe', resourceArn: '*' },
      { 'aws:CalledViaLast': 'bedrock.amazonaws.com' },
    );
    assert.deepEqual(await one(subscribe), allow(['SubscribeToConfiguredModelsThroughBedrock']));
    delete subscribe.context['aws:CalledViaLast'];
    assert.deepEqual(await one(subscribe), implicit('identity'));
  });

  test('global profile hop: region-less foundation-model ARN', async () => {
    const globalDoc = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'GlobalModel',
          Effect: 'Allow',
          Action: 'bedrock:InvokeModel',
          Resource: 'arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
          Condition: {
            ArnLike: { 'bedrock:InferenceProfileArn': `${APP_PROFILE.slice(0, -12)}*` },
          },
        },
      ],
    };
    const hop = {
      ...modelHop('unspecified', APP_PROFILE),
      resourceArn: 'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      identityPolicies: [{ name: 'global', document: globalDoc }],
    };
    assert.deepEqual(await one(hop), allow(['GlobalModel']));
    hop.context['bedrock:InferenceProfileArn'] = SONNET_PROFILE;
    assert.deepEqual(await one(hop), implicit('identity'));
    // The dev tiers are all `us.` profiles, so the dev policy does not add `unspecified` to the
    // allowed requested regions: a global hop is denied by the region statement.
    hop.context['bedrock:InferenceProfileArn'] = APP_PROFILE;
    hop.identityPolicies = invoke().identityPolicies;
    assert.deepEqual(await one(hop), explicit('identity', ['DenyBedrockOutsideAllowedRegions']));
    hop.context['aws:RequestedRegion'] = 'us-east-1'; // not what AWS sends; shows the ARN mismatch
    assert.deepEqual(await one(hop), implicit('identity'));
  });
});

describe('policy features', () => {
  const doc = (...Statement) => ({ Version: '2012-10-17', Statement });
  const base = (document, context, overrides = {}) => ({
    principalArn: ROLE_SESSION,
    action: 'bedrock:InvokeModel',
    resourceArn: APP_PROFILE,
    resourceAccount: ACCOUNT,
    identityPolicies: [{ name: 'p', document }],
    context,
    ...overrides,
  });
  const allowAll = {
    Sid: 'AllowInvoke',
    Effect: 'Allow',
    Action: 'bedrock:InvokeModel',
    Resource: '*',
  };

  test('Null operator: deny untagged profiles', async () => {
    const policy = doc(allowAll, {
      Sid: 'DenyUntagged',
      Effect: 'Deny',
      Action: 'bedrock:InvokeModel',
      Resource: '*',
      Condition: { Null: { 'aws:ResourceTag/User': 'true' } },
    });
    assert.deepEqual(await one(base(policy, {})), explicit('identity', ['DenyUntagged']));
    const tagged = base(policy, { 'aws:ResourceTag/User': JANE });
    assert.deepEqual(await one(tagged), allow(['AllowInvoke']));
  });

  test('ForAnyValue on a multi-valued key', async () => {
    const policy = doc({
      ...allowAll,
      Sid: 'ViaBedrock',
      Condition: { 'ForAnyValue:StringEquals': { 'aws:CalledVia': 'bedrock.amazonaws.com' } },
    });
    const via = base(policy, {
      'aws:CalledVia': ['athena.amazonaws.com', 'bedrock.amazonaws.com'],
    });
    assert.deepEqual(await one(via), allow(['ViaBedrock']));
    assert.deepEqual(
      await one(base(policy, { 'aws:CalledVia': ['athena.amazonaws.com'] })),
      implicit('identity'),
    );
    assert.deepEqual(await one(base(policy, {})), implicit('identity'));
    // A single string for a multi-valued key is accepted as a one-element set.
    const single = base(policy, { 'aws:CalledVia': 'bedrock.amazonaws.com' });
    assert.equal((await one(single)).decision, 'Allowed');
  });

  test('permission boundary without the action: implicit deny by the boundary', async () => {
    const request = base(
      doc(allowAll),
      {},
      {
        permissionBoundaries: [
          {
            name: 'pb',
            document: doc({ Effect: 'Allow', Action: 'bedrock:List*', Resource: '*' }),
          },
        ],
      },
    );
    assert.deepEqual(await one(request), implicit('boundary'));
    request.permissionBoundaries[0].document = doc({
      Effect: 'Allow',
      Action: 'bedrock:*',
      Resource: '*',
    });
    assert.deepEqual(await one(request), allow(['AllowInvoke']));
  });

  test('resource policy: explicit deny, and cross-account access', async () => {
    const denyJane = doc({
      Sid: 'NoJane',
      Effect: 'Deny',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/acme-claude-developer` },
      Action: 'bedrock:InvokeModel',
      Resource: '*',
    });
    const denied = base(doc(allowAll), {}, { resourcePolicy: denyJane });
    assert.deepEqual(await one(denied), explicit('resource', ['NoJane']));

    // Same account: a resource-policy Allow suffices without an identity Allow.
    const sameAccount = base(
      doc({ Sid: 'Unrelated', Effect: 'Allow', Action: 's3:*', Resource: '*' }),
      {},
      {
        resourcePolicy: doc({
          Sid: 'RoleMayInvoke',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/acme-claude-developer` },
          Action: 'bedrock:InvokeModel',
          Resource: '*',
        }),
      },
    );
    assert.deepEqual(await one(sameAccount), allow(['RoleMayInvoke']));

    const otherAccount = APP_PROFILE.replace(ACCOUNT, '210987654321');
    const cross = base(
      doc(allowAll),
      {},
      { resourceArn: otherAccount, resourceAccount: '210987654321' },
    );
    assert.deepEqual(await one(cross), implicit('resource'));
    cross.resourcePolicy = doc({
      Sid: 'Share',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'bedrock:InvokeModel',
      Resource: '*',
    });
    assert.deepEqual(await one(cross), allow(['AllowInvoke', 'Share']));
  });

  test('context keys iam-data does not list for the action are evaluated, not dropped', async () => {
    // aws:ResourceTag/* is not modelled for system inference profiles.
    const policy = doc({
      ...allowAll,
      Sid: 'Tagged',
      Condition: { StringEquals: { 'aws:ResourceTag/Project': 'acme-claude' } },
    });
    const request = base(
      policy,
      { 'aws:ResourceTag/Project': 'acme-claude' },
      { resourceArn: SONNET_PROFILE },
    );
    assert.deepEqual(await one(request), allow(['Tagged']));
    request.context['aws:ResourceTag/Project'] = 'other';
    assert.deepEqual(await one(request), implicit('identity'));
    // A key of another service entirely.
    const custom = doc({
      ...allowAll,
      Sid: 'Custom',
      Condition: { StringEquals: { 'acme:Flag': 'on' } },
    });
    assert.equal((await one(base(custom, { 'acme:Flag': 'on' }))).decision, 'Allowed');
    assert.equal((await one(base(custom, { 'acme:Flag': 'off' }))).decision, 'ImplicitlyDenied');
  });

  test('VPC endpoint policy: evaluated with the others; its Principal is matched against the caller', async () => {
    const endpoint = (...Statement) => ({
      vpcEndpointPolicies: [{ name: 'vpce-0abc', document: doc(...Statement) }],
    });
    const invokeOnly = {
      Sid: 'InvokeOnly',
      Effect: 'Allow',
      Principal: '*',
      Action: 'bedrock:InvokeModel',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
    };
    // Allowed by both: the grant reported is the identity policy's.
    assert.deepEqual(
      await one(base(doc(allowAll), {}, endpoint(invokeOnly))),
      allow(['AllowInvoke']),
    );
    // An action the endpoint policy does not allow, a principal of another account.
    const stream = base(
      doc(allowAll, { ...allowAll, Sid: 'S', Action: 'bedrock:InvokeModelWithResponseStream' }),
      {},
      {
        ...endpoint(invokeOnly),
        action: 'bedrock:InvokeModelWithResponseStream',
      },
    );
    assert.deepEqual(await one(stream), implicit('vpce'));
    const outsider = base(
      doc(allowAll),
      {},
      {
        ...endpoint(invokeOnly),
        principalArn: 'arn:aws:sts::210987654321:assumed-role/dev/x',
      },
    );
    assert.deepEqual(await one(outsider), implicit('vpce'));
    // An explicit deny in the endpoint policy.
    const denied = base(
      doc(allowAll),
      {},
      endpoint(invokeOnly, { ...invokeOnly, Sid: 'NoInvoke', Effect: 'Deny' }),
    );
    assert.deepEqual(await one(denied), explicit('vpce', ['NoInvoke']));
    const without = (st, key) => Object.fromEntries(Object.entries(st).filter(([k]) => k !== key));
    const unconditional = without(invokeOnly, 'Condition');
    // Principal forms: account id, account root, the session's role (path or not), the session ARN.
    for (const AWS of [
      ACCOUNT,
      `arn:aws:iam::${ACCOUNT}:root`,
      `arn:aws:iam::${ACCOUNT}:role/acme-claude-developer`,
      `arn:aws:iam::${ACCOUNT}:role/team/acme-claude-developer`,
      [`arn:aws:iam::210987654321:root`, ROLE_SESSION],
    ]) {
      const named = { ...unconditional, Principal: { AWS } };
      assert.equal(
        (await one(base(doc(allowAll), {}, endpoint(named)))).decision,
        'Allowed',
        String(AWS),
      );
    }
    for (const AWS of [
      '210987654321',
      `arn:aws:iam::210987654321:role/acme-claude-developer`,
      `arn:aws:iam::${ACCOUNT}:role/someone-else`,
      `arn:aws:iam::${ACCOUNT}:user/acme-claude-developer`,
    ]) {
      const named = { ...unconditional, Principal: { AWS } };
      assert.deepEqual(await one(base(doc(allowAll), {}, endpoint(named))), implicit('vpce'), AWS);
    }
    const service = { ...invokeOnly, Principal: { Service: 'bedrock.amazonaws.com' } };
    assert.deepEqual(await one(base(doc(allowAll), {}, endpoint(service))), implicit('vpce'));
    // NotPrincipal: applies to everyone but the named principals.
    const anyone = without(unconditional, 'Principal');
    const notMe = { ...anyone, Sid: 'NotMe', Effect: 'Deny', NotPrincipal: { AWS: ACCOUNT } };
    assert.equal(
      (await one(base(doc(allowAll), {}, endpoint(invokeOnly, notMe)))).decision,
      'Allowed',
    );
    const outsiderDenied = base(
      doc(allowAll),
      {},
      {
        ...endpoint(unconditional, notMe),
        principalArn: 'arn:aws:sts::210987654321:assumed-role/dev/x',
      },
    );
    assert.deepEqual(await one(outsiderDenied), explicit('vpce', ['NotMe']));
    // An identity-side deny still comes first; without an endpoint policy nothing changes.
    assert.deepEqual(await one(base(doc(), {}, endpoint(invokeOnly))), implicit('identity'));
    assert.deepEqual(await one(base(doc(allowAll), {})), allow(['AllowInvoke']));
  });

  test('statements without a Sid are named policy#index', async () => {
    const policy = doc({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' });
    assert.deepEqual(await one(base(policy, {})), allow(['p#1']));
  });

  test('malformed requests are Error results; the others in the batch still evaluate', async () => {
    const good = base(doc(allowAll), {});
    const results = await evaluate([
      null,
      { ...good, principalArn: 42 },
      { ...good, action: 'InvokeModel' },
      { ...good, action: 'bedrock:NoSuchAction' },
      { ...good, resourceArn: 'not-an-arn' },
      { ...good, resourceArn: 'arn:aws:s3:::bucket/key' },
      { ...good, context: { 'aws:RequestedRegion': 1 } },
      {
        ...good,
        identityPolicies: [{ name: 'bad', document: { Statement: [{ Effect: 'Maybe' }] } }],
      },
      { ...good, identityPolicies: 'nope' },
      good,
    ]);
    assert.equal(results.length, 10);
    for (const r of results.slice(0, 9)) {
      assert.equal(r.decision, 'Error');
      assert.equal(r.deniedBy, null);
      assert.match(r.error, /\S/);
    }
    assert.match(results[3].error, /invalid\.action: bedrock:NoSuchAction/);
    assert.match(results[5].error, /no\.resource\.types/);
    assert.match(results[7].error, /policy\.errors: identityPolicyErrors\[bad\]/);
    assert.deepEqual(results[9], allow(['AllowInvoke']));
    await assert.rejects(() => evaluate('nope'), TypeError);
  });
});

describe('JSON-lines protocol', () => {
  test('a child process answers each line in order and exits when stdin closes', async () => {
    const child = spawn(process.execPath, [join(HERE, 'iam_evaluator.mjs')], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const ask = async (text) => {
      child.stdin.write(`${text}\n`);
      const { value } = await lines.next();
      return JSON.parse(value);
    };
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'A', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }],
    };
    const request = {
      principalArn: ROLE_SESSION,
      action: 'bedrock:InvokeModel',
      resourceArn: APP_PROFILE,
      identityPolicies: [{ name: 'p', document: policy }],
    };

    const first = await ask(JSON.stringify({ id: 1, requests: [request, { bad: true }] }));
    assert.equal(first.id, 1);
    assert.deepEqual(first.results[0], allow(['A']));
    assert.equal(first.results[1].decision, 'Error');

    const garbage = await ask('{not json');
    assert.equal(garbage.id, null);
    assert.deepEqual(garbage.results, []);
    assert.match(garbage.error, /^invalid JSON/);
    const noRequests = await ask(JSON.stringify({ id: 7 }));
    assert.equal(noRequests.id, 7);
    assert.match(noRequests.error, /requests/);

    const last = await ask(JSON.stringify({ id: 2, requests: [] }));
    assert.deepEqual(last, { id: 2, results: [] });

    child.stdin.end();
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);
  });
});
