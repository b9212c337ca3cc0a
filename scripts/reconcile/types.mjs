// What `npm run reconcile` knows about each resource type the stacks create (dev, prod, the team
// shards of `allocation.shardBy: team`, the network section), for hashicorp/aws 5.100.0.
//
// ADOPTED: types whose create is not idempotent. A create interrupted after AWS made the object
// leaves it without a state entry; the next apply then fails (EntityAlreadyExists,
// ConflictException, ResourceAlreadyExistsException, ...) or makes a second object (Athena named
// queries, Logs query definitions, anomaly monitors: their names are not unique). Each entry
// finds the objects by their natural id:
//   found             what the natural id is, in words (the docs' table)
//   key(get)          the natural id of an instance from its attributes (`get('name')`,
//                     `get('tags.Name')`); undefined when one of them is unknown
//   find(keys, aws)   Map of natural id -> the objects with that id, each
//                     { id: <terraform import id>, attrs: { id, arn, ... } }; `attrs` are what
//                     other resources reference, for an instance that is not in state yet
// Import ids are the formats of the provider's import documentation
// (https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/<type>#import).
//
// IDEMPOTENT: types whose create call creates or replaces the object of the same natural id, so
// repeating an interrupted create converges without adoption; the value says why.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { emulatorAws } from '../lib.mjs';

/** An aws CLI failure that means "no such object" rather than a real problem. */
const NOT_FOUND =
  /NoSuchEntity|NotFound|ResourceNotFoundException|EntityNotFoundException|Unknown(Monitor|Subscription)Exception|\(404\)|is not found|does not exist/;
/** Page tokens of the listings the aws CLI does not page through itself, and their options. */
const TOKENS = { nextToken: '--next-token', NextToken: '--next-token' };

/**
 * The account as the aws CLI sees it: the emulator at `endpoint`, else AWS with the caller's
 * credentials; every call goes to `region`. `identity`: the caller's, when already known.
 */
export function remote({ endpoint, region, identity }) {
  const call = (args) => emulatorAws(endpoint, args, { region });
  const who = () => (identity ??= call(['sts', 'get-caller-identity']));
  const aws = {
    endpoint,
    region,
    identity: who,
    call,
    /** The answer, or undefined when the object does not exist. */
    probe(args) {
      try {
        return call(args);
      } catch (err) {
        if (NOT_FOUND.test(err.stderr ?? err.message)) return undefined;
        throw err;
      }
    },
    /** Every item under `key` of a listing (none when its parent does not exist), all pages. */
    list(args, key) {
      const items = [];
      let page = aws.probe(args);
      while (page) {
        items.push(...(page[key] ?? []));
        const token = Object.keys(TOKENS).find((t) => page[t]);
        page = token && aws.probe([...args, TOKENS[token], page[token]]);
      }
      return items;
    },
    account: () => who().Account,
    partition: () => who().Arn.split(':')[1],
    arn: (service, resource) =>
      `arn:${aws.partition()}:${service}:${region}:${aws.account()}:${resource}`,
  };
  return aws;
}

/** A natural id from its parts; undefined when one is unknown. */
const join = (...parts) =>
  parts.some((p) => p === undefined || p === null) ? undefined : parts.join('|');
/** The longest prefix the strings share. */
function prefix(strings) {
  let out = strings[0] ?? '';
  for (const s of strings) while (!s.startsWith(out)) out = out.slice(0, -1);
  return out;
}
/** `[name, value]`, or nothing when the value is empty. */
const option = (name, value) => (value ? [name, value] : []);
/** The distinct values of part `index` of natural ids. */
const parts = (keys, index) => [...new Set(keys.map((k) => k.split('|')[index]))];
/** Found objects grouped by natural id: `keyOf(item)` -> [`make(item)`, ...]. */
function byKey(items, keyOf, make) {
  const out = new Map();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== undefined) out.set(key, [...(out.get(key) ?? []), make(item)]);
  }
  return out;
}
/** find() of a type looked up one natural id at a time: `one(key, aws)` -> object or undefined. */
const eachKey = (one) => (keys, aws) =>
  new Map(
    keys.map((key) => {
      const found = one(key, aws);
      return [key, found ? [found] : []];
    }),
  );
/** What a flow log's destination ARN names: a log group, or a bucket (and prefix). */
const destination = (arn) =>
  arn
    ?.replace(/^arn:[^:]+:logs:[^:]*:[^:]*:log-group:/, '')
    .replace(/:\*$/, '')
    .replace(/^arn:[^:]+:s3:::/, '');
/** The part of an ingress rule that identifies it: protocol, ports and source. */
const ingress = (group, protocol, from, to, source) =>
  join(group, protocol, from ?? '', to ?? '', source);

export const ADOPTED = {
  aws_athena_named_query: {
    found: 'name within its workgroup',
    key: (get) => join(get('workgroup'), get('name')),
    find(keys, aws) {
      const queries = parts(keys, 0).flatMap((workgroup) => {
        const ids = aws.list(
          ['athena', 'list-named-queries', '--work-group', workgroup],
          'NamedQueryIds',
        );
        const batches = [];
        for (let i = 0; i < ids.length; i += 50) batches.push(ids.slice(i, i + 50));
        return batches.flatMap(
          (ids50) =>
            aws.call(['athena', 'batch-get-named-query', '--named-query-ids', ...ids50])
              .NamedQueries,
        );
      });
      return byKey(
        queries,
        (q) => join(q.WorkGroup, q.Name),
        (q) => ({ id: q.NamedQueryId, attrs: { id: q.NamedQueryId } }),
      );
    },
  },
  aws_athena_workgroup: {
    found: 'name',
    key: (get) => get('name'),
    find: (keys, aws) =>
      byKey(
        aws.list(['athena', 'list-work-groups'], 'WorkGroups'),
        (w) => w.Name,
        (w) => ({ id: w.Name, attrs: { id: w.Name, name: w.Name } }),
      ),
  },
  aws_bedrock_guardrail: {
    found: 'name',
    key: (get) => get('name'),
    find: (keys, aws) =>
      byKey(
        aws.list(['bedrock', 'list-guardrails'], 'guardrails'),
        (g) => g.name,
        (g) => ({
          id: `${g.id},${g.version}`,
          attrs: { guardrail_id: g.id, guardrail_arn: g.arn, version: g.version },
        }),
      ),
  },
  aws_bedrock_inference_profile: {
    found: 'name (application inference profiles)',
    key: (get) => get('name'),
    find: (keys, aws) =>
      byKey(
        aws.list(
          ['bedrock', 'list-inference-profiles', '--type-equals', 'APPLICATION'],
          'inferenceProfileSummaries',
        ),
        (p) => p.inferenceProfileName,
        (p) => ({
          id: p.inferenceProfileId,
          attrs: { id: p.inferenceProfileId, arn: p.inferenceProfileArn },
        }),
      ),
  },
  aws_budgets_budget: {
    found: 'name',
    key: (get) => get('name'),
    find: (keys, aws) =>
      byKey(
        aws.list(['budgets', 'describe-budgets', '--account-id', aws.account()], 'Budgets'),
        (b) => b.BudgetName,
        (b) => ({ id: `${aws.account()}:${b.BudgetName}`, attrs: { name: b.BudgetName } }),
      ),
  },
  aws_budgets_budget_action: {
    found: 'budget name and action type',
    key: (get) => join(get('budget_name'), get('action_type')),
    find: (keys, aws) =>
      byKey(
        aws.list(
          ['budgets', 'describe-budget-actions-for-account', '--account-id', aws.account()],
          'Actions',
        ),
        (a) => join(a.BudgetName, a.ActionType),
        (a) => ({
          id: `${aws.account()}:${a.ActionId}:${a.BudgetName}`,
          attrs: { action_id: a.ActionId },
        }),
      ),
  },
  aws_ce_anomaly_monitor: {
    found: 'name',
    key: (get) => get('name'),
    find: (keys, aws) =>
      byKey(
        aws.list(['ce', 'get-anomaly-monitors'], 'AnomalyMonitors'),
        (m) => m.MonitorName,
        (m) => ({ id: m.MonitorArn, attrs: { id: m.MonitorArn, arn: m.MonitorArn } }),
      ),
  },
  aws_ce_anomaly_subscription: {
    found: 'name',
    key: (get) => get('name'),
    find: (keys, aws) =>
      byKey(
        aws.list(['ce', 'get-anomaly-subscriptions'], 'AnomalySubscriptions'),
        (s) => s.SubscriptionName,
        (s) => ({
          id: s.SubscriptionArn,
          attrs: { id: s.SubscriptionArn, arn: s.SubscriptionArn },
        }),
      ),
  },
  aws_cloudtrail: {
    found: 'name (trails whose home Region is the stack Region)',
    key: (get) => get('name'),
    find: (keys, aws) =>
      byKey(
        aws
          .list(['cloudtrail', 'list-trails'], 'Trails')
          .filter((t) => t.HomeRegion === aws.region),
        (t) => t.Name,
        (t) => ({ id: t.TrailARN, attrs: { id: t.TrailARN, arn: t.TrailARN } }),
      ),
  },
  aws_cloudwatch_log_group: {
    found: 'name',
    key: (get) => get('name'),
    find: eachKey((name, aws) => {
      const groups = aws.list(
        ['logs', 'describe-log-groups', '--log-group-name-prefix', name],
        'logGroups',
      );
      return groups.some((g) => g.logGroupName === name)
        ? { id: name, attrs: { id: name, arn: aws.arn('logs', `log-group:${name}`) } }
        : undefined;
    }),
  },
  aws_cloudwatch_query_definition: {
    found: 'name',
    key: (get) => get('name'),
    find: (keys, aws) =>
      byKey(
        aws.list(
          [
            'logs',
            'describe-query-definitions',
            ...option('--query-definition-name-prefix', prefix(keys)),
          ],
          'queryDefinitions',
        ),
        (q) => q.name,
        (q) => ({
          id: aws.arn('logs', `query-definition:${q.queryDefinitionId}`),
          attrs: { id: q.queryDefinitionId },
        }),
      ),
  },
  aws_dynamodb_table: {
    found: 'name',
    key: (get) => get('name'),
    find: (keys, aws) =>
      byKey(
        aws.list(['dynamodb', 'list-tables'], 'TableNames'),
        (name) => name,
        (name) => ({ id: name, attrs: { id: name, name } }),
      ),
  },
  aws_flow_log: {
    found: 'resource (VPC), traffic type and destination',
    key: (get) =>
      join(
        get('vpc_id') ?? get('subnet_id') ?? get('eni_id'),
        get('traffic_type'),
        destination(get('log_destination')) ?? get('log_group_name'),
      ),
    find: (keys, aws) =>
      byKey(
        parts(keys, 0).flatMap((resource) =>
          aws.list(
            ['ec2', 'describe-flow-logs', '--filter', `Name=resource-id,Values=${resource}`],
            'FlowLogs',
          ),
        ),
        (f) => join(f.ResourceId, f.TrafficType, destination(f.LogDestination) ?? f.LogGroupName),
        (f) => ({ id: f.FlowLogId, attrs: { id: f.FlowLogId } }),
      ),
  },
  aws_glue_catalog_database: {
    found: 'name',
    key: (get) => get('name'),
    find: (keys, aws) =>
      byKey(
        aws.list(['glue', 'get-databases'], 'DatabaseList'),
        (d) => d.Name,
        (d) => ({ id: `${aws.account()}:${d.Name}`, attrs: { name: d.Name } }),
      ),
  },
  aws_glue_catalog_table: {
    found: 'name within its database',
    key: (get) => join(get('database_name'), get('name')),
    find: (keys, aws) =>
      byKey(
        parts(keys, 0).flatMap((database) =>
          aws.list(['glue', 'get-tables', '--database-name', database], 'TableList'),
        ),
        (t) => join(t.DatabaseName, t.Name),
        (t) => ({ id: `${aws.account()}:${t.DatabaseName}:${t.Name}`, attrs: { name: t.Name } }),
      ),
  },
  aws_iam_policy: {
    found: 'path and name',
    key: (get) => join(get('path') ?? '/', get('name')),
    find: (keys, aws) =>
      byKey(
        parts(keys, 0).flatMap((path) =>
          aws.list(['iam', 'list-policies', '--scope', 'Local', '--path-prefix', path], 'Policies'),
        ),
        (p) => join(p.Path, p.PolicyName),
        (p) => ({ id: p.Arn, attrs: { id: p.Arn, arn: p.Arn } }),
      ),
  },
  aws_iam_role: {
    found: 'name',
    key: (get) => get('name'),
    find: (keys, aws) =>
      byKey(
        aws.list(['iam', 'list-roles'], 'Roles'),
        (r) => r.RoleName,
        (r) => ({ id: r.RoleName, attrs: { id: r.RoleName, name: r.RoleName, arn: r.Arn } }),
      ),
  },
  aws_lambda_function: {
    found: 'name',
    key: (get) => get('function_name'),
    find: (keys, aws) =>
      byKey(
        aws.list(['lambda', 'list-functions'], 'Functions'),
        (f) => f.FunctionName,
        (f) => ({
          id: f.FunctionName,
          attrs: { id: f.FunctionName, function_name: f.FunctionName, arn: f.FunctionArn },
        }),
      ),
  },
  aws_lambda_permission: {
    found: 'statement id within the function policy',
    key: (get) => join(get('function_name'), get('statement_id')),
    find(keys, aws) {
      const sids = parts(keys, 0).flatMap((fn) => {
        const policy = aws.probe(['lambda', 'get-policy', '--function-name', fn])?.Policy;
        return (policy ? JSON.parse(policy).Statement : []).map((s) => [fn, s.Sid]);
      });
      return byKey(
        sids,
        ([fn, sid]) => join(fn, sid),
        ([fn, sid]) => ({ id: `${fn}/${sid}`, attrs: { id: sid } }),
      );
    },
  },
  aws_s3_bucket: {
    found: 'name (buckets the account owns)',
    key: (get) => get('bucket'),
    find: (keys, aws) =>
      byKey(
        aws.list(['s3api', 'list-buckets'], 'Buckets'),
        (b) => b.Name,
        (b) => ({
          id: b.Name,
          attrs: { id: b.Name, bucket: b.Name, arn: `arn:${aws.partition()}:s3:::${b.Name}` },
        }),
      ),
  },
  aws_security_group: {
    found: 'name within its VPC',
    key: (get) => join(get('vpc_id'), get('name')),
    find: (keys, aws) =>
      byKey(
        parts(keys, 0).flatMap((vpc) =>
          aws.list(
            ['ec2', 'describe-security-groups', '--filters', `Name=vpc-id,Values=${vpc}`],
            'SecurityGroups',
          ),
        ),
        (g) => join(g.VpcId, g.GroupName),
        (g) => ({ id: g.GroupId, attrs: { id: g.GroupId } }),
      ),
  },
  aws_sns_topic: {
    found: 'name',
    key: (get) => get('name'),
    find: eachKey((name, aws) => {
      const arn = aws.arn('sns', name);
      return (
        aws.probe(['sns', 'get-topic-attributes', '--topic-arn', arn]) && {
          id: arn,
          attrs: { id: arn, arn },
        }
      );
    }),
  },
  aws_ssoadmin_permission_set: {
    found: 'name within its Identity Center instance',
    key: (get) => join(get('instance_arn'), get('name')),
    find: (keys, aws) =>
      byKey(
        parts(keys, 0).flatMap((instance) =>
          aws
            .list(
              ['sso-admin', 'list-permission-sets', '--instance-arn', instance],
              'PermissionSets',
            )
            .map(
              (arn) =>
                aws.call([
                  'sso-admin',
                  'describe-permission-set',
                  '--instance-arn',
                  instance,
                  '--permission-set-arn',
                  arn,
                ]).PermissionSet,
            )
            .map((set) => ({ ...set, instance })),
        ),
        (s) => join(s.instance, s.Name),
        (s) => ({ id: `${s.PermissionSetArn},${s.instance}`, attrs: { arn: s.PermissionSetArn } }),
      ),
  },
  aws_vpc_endpoint: {
    found: 'VPC, service and Name tag',
    key: (get) => join(get('vpc_id'), get('service_name'), get('tags.Name') ?? ''),
    find: (keys, aws) =>
      byKey(
        parts(keys, 0)
          .flatMap((vpc) =>
            aws.list(
              ['ec2', 'describe-vpc-endpoints', '--filters', `Name=vpc-id,Values=${vpc}`],
              'VpcEndpoints',
            ),
          )
          .filter((e) => !/^(deleting|deleted|failed|rejected)$/i.test(e.State ?? '')),
        (e) =>
          join(e.VpcId, e.ServiceName, (e.Tags ?? []).find((t) => t.Key === 'Name')?.Value ?? ''),
        (e) => ({ id: e.VpcEndpointId, attrs: { id: e.VpcEndpointId } }),
      ),
  },
  aws_vpc_security_group_ingress_rule: {
    found: 'security group, protocol, ports and source',
    key: (get) =>
      ingress(
        get('security_group_id'),
        get('ip_protocol'),
        get('from_port'),
        get('to_port'),
        get('cidr_ipv4') ??
          get('cidr_ipv6') ??
          get('referenced_security_group_id') ??
          get('prefix_list_id'),
      ),
    find: (keys, aws) =>
      byKey(
        parts(keys, 0)
          .flatMap((group) =>
            aws.list(
              [
                'ec2',
                'describe-security-group-rules',
                '--filters',
                `Name=group-id,Values=${group}`,
              ],
              'SecurityGroupRules',
            ),
          )
          .filter((r) => !r.IsEgress),
        (r) =>
          ingress(
            r.GroupId,
            r.IpProtocol,
            r.FromPort,
            r.ToPort,
            r.CidrIpv4 ?? r.CidrIpv6 ?? r.ReferencedGroupInfo?.GroupId ?? r.PrefixListId,
          ),
        (r) => ({ id: r.SecurityGroupRuleId, attrs: { id: r.SecurityGroupRuleId } }),
      ),
  },
};

const BUCKET_CONFIGURATION = 'replaces the one configuration of that kind a bucket has';

export const IDEMPOTENT = {
  aws_bedrock_model_invocation_logging_configuration:
    'PutModelInvocationLoggingConfiguration sets the one configuration of the Region',
  aws_ce_cost_allocation_tag: 'UpdateCostAllocationTagsStatus sets the status of a tag key',
  aws_cloudwatch_dashboard: 'PutDashboard creates or replaces the dashboard of that name',
  aws_cloudwatch_event_rule:
    'PutRule creates or updates the rule of that name (the provider does not check first)',
  aws_cloudwatch_event_target: 'PutTargets creates or replaces the target id on the rule',
  aws_cloudwatch_log_metric_filter:
    'PutMetricFilter creates or replaces the filter of that name in the log group',
  aws_cloudwatch_log_subscription_filter:
    'PutSubscriptionFilter creates or replaces the filter of that name in the log group',
  aws_cloudwatch_metric_alarm: 'PutMetricAlarm creates or replaces the alarm of that name',
  aws_iam_role_policy: 'PutRolePolicy creates or replaces the inline policy of that name',
  aws_iam_role_policy_attachment: 'AttachRolePolicy of an attached policy changes nothing',
  aws_s3_bucket_lifecycle_configuration: `PutBucketLifecycleConfiguration ${BUCKET_CONFIGURATION}`,
  aws_s3_bucket_object_lock_configuration: `PutObjectLockConfiguration ${BUCKET_CONFIGURATION}`,
  aws_s3_bucket_ownership_controls: `PutBucketOwnershipControls ${BUCKET_CONFIGURATION}`,
  aws_s3_bucket_policy: `PutBucketPolicy ${BUCKET_CONFIGURATION}`,
  aws_s3_bucket_public_access_block: `PutPublicAccessBlock ${BUCKET_CONFIGURATION}`,
  aws_s3_bucket_server_side_encryption_configuration: `PutBucketEncryption ${BUCKET_CONFIGURATION}`,
  aws_s3_bucket_versioning: `PutBucketVersioning ${BUCKET_CONFIGURATION}`,
  aws_s3_object: 'PutObject replaces the object at that key',
  aws_sns_topic_policy: 'SetTopicAttributes replaces the policy of the topic',
  aws_sns_topic_subscription:
    'Subscribe with the same topic, protocol and endpoint returns the existing subscription',
  aws_ssoadmin_permission_set_inline_policy:
    'PutInlinePolicyToPermissionSet replaces the inline policy of the permission set',
};

/**
 * find() of several types at once, `parallel` at a time, each in a worker thread (every aws CLI
 * call is a process of its own that takes about a second to start). `requests`: [[type, keys]];
 * answers a Map of type -> Map(natural id -> objects).
 */
export async function findAll(requests, aws, parallel = 4) {
  if (requests.length === 0) return new Map();
  const context = { endpoint: aws.endpoint, region: aws.region, identity: aws.identity() };
  const queue = [...requests];
  const out = new Map();
  const work = async () => {
    for (let request = queue.shift(); request; request = queue.shift()) {
      const [type, keys] = request;
      out.set(type, new Map(await inWorker({ reconcileFind: { type, keys, ...context } })));
    }
  };
  await Promise.all(Array.from({ length: parallel }, work));
  return out;
}

function inWorker(data) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: data });
    worker.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m.found)));
    worker.once('error', reject);
  });
}

if (!isMainThread && workerData?.reconcileFind) {
  const { type, keys, ...context } = workerData.reconcileFind;
  try {
    parentPort.postMessage({ found: [...ADOPTED[type].find(keys, remote(context))] });
  } catch (err) {
    parentPort.postMessage({ error: err.message });
  }
}
