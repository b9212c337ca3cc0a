// What each key of the environment configuration means, for docs/configuration.md. The schema
// (@claude-code-bedrock/core's EnvironmentConfigSchema) carries the types, defaults and field
// constraints; it carries no descriptions yet, so they live here, keyed by the path the generator
// prints. The generator fails when a key of the schema has no entry, when an entry names no key,
// and when the schema itself describes a key that still has an entry here: move a description into
// the schema (`.meta({ description })`) and delete it from this map.
//
// An entry is the description, or `{ text, default, key }`:
// - `default`: what happens when an optional key without a schema default is left out (behaviour,
//   as the constructs document `@default - ...`); required for every such key;
// - `key`: the placeholder for the keys of a map (`models.<tier>`).

export const CONFIG_DESCRIPTIONS = {
  project: 'Prefix of every resource name (`{project}-developer`, ...) and the `Project` tag.',
  environment: 'Stack name and `Environment` tag.',
  region: 'Home region of the profiles, logs and every regional resource.',
  accountId: {
    text: 'Account id used in ARNs.',
    default: 'read at plan time from the caller identity',
  },
  bucketPrefix:
    'S3 bucket-name prefix: `{prefix}-bedrock-invocation-logs` must stay a valid bucket name (at most 37 characters; not `xn--`, `sthree-` or `amzn-s3-demo-`).',
  tags: {
    text: 'Extra common tags on every taggable resource (`default_tags`). `Project`, `Environment` and `ManagedBy` are set by the kit and cannot be given; keys must not start with `aws:`.',
    key: 'key',
  },
  'tags.<key>': 'Tag value (at most 256 tag-value characters).',
  models: {
    text: 'Model tiers: tier name → the system cross-region inference profile it copies (pin versions). At least one tier.',
    key: 'tier',
  },
  'models.<tier>':
    'A system cross-region inference profile id, or an object naming one with a group restriction or explicit destination regions.',
  'models.<tier>.profileId': 'System cross-region inference profile id to copy from.',
  'models.<tier>.group': {
    text: 'Only developers in this group (`developers[].groups`) are entitled to the tier.',
    default: 'every developer',
  },
  'models.<tier>.destinationRegions': {
    text: 'Destination regions of the profile.',
    default: "derived from the id's geography prefix (`us.`, `eu.`, ...)",
  },
  defaultModel: {
    text: 'Tier behind `ANTHROPIC_MODEL` and the `inference_profile_arns` output; must be a tier of `models`.',
    default: 'the first tier',
  },
  fastModel: {
    text: 'Small/fast tier every developer gets (`ANTHROPIC_DEFAULT_HAIKU_MODEL`); must be a tier of `models`.',
    default: 'none',
  },
  prices: {
    text: 'USD per million tokens, for every tier of `models` and no other.',
    key: 'tier',
  },
  'prices.<tier>': 'The price of one tier.',
  'prices.<tier>.input': 'USD per million input tokens.',
  'prices.<tier>.output': 'USD per million output tokens.',
  'prices.<tier>.cacheRead': 'USD per million tokens read from the prompt cache.',
  'prices.<tier>.cacheWrite': 'USD per million tokens written to the prompt cache.',
  teams: 'The teams (at least one); ids are unique.',
  'teams[].id': 'Team id: the `Team` tag and budget names.',
  'teams[].costCenter': 'Cost center of the team: the `CostCenter` tag of its developers.',
  'teams[].monthlyBudgetUsd': "The team's monthly budget in USD.",
  'teams[].alertEmails': {
    text: "Extra recipients of this team's budget alerts; with `budgets.alertEmails` at most 10.",
    default: 'only `budgets.alertEmails`',
  },
  developers:
    'The roster (at least one developer); ids are unique, also after sanitisation into profile names and role session names.',
  'developers[].id':
    'Developer id, usually an e-mail address or user name (dots, `@`, `+`, uppercase allowed): the `User` tag, matched by ABAC.',
  'developers[].team': 'Id of a team in `teams`.',
  'developers[].models': {
    text: 'Tiers this developer gets (each must be a tier of `models`, and in its group if it has one).',
    default: 'every tier the developer is entitled to',
  },
  'developers[].groups': {
    text: 'Named groups, used by `models.<tier>.group`.',
    default: 'none',
  },
  'developers[].costCenter': {
    text: "Overrides the team's cost center for this developer.",
    default: "the team's",
  },
  'developers[].monthlyBudgetUsd': {
    text: 'Monthly budget of this developer when `budgets.perDeveloper.enabled`.',
    default: '`budgets.perDeveloper.defaultUsd`',
  },
  access: 'Who may assume the roles, and how a caller is matched to a profile.',
  'access.developers':
    'Who may assume `{project}-developer`: at least one of `principals`, `saml`, `oidc`.',
  'access.developers.principals': {
    text: 'IAM principals (account roots, users, roles) allowed to assume the role.',
    default: 'none',
  },
  'access.developers.saml': {
    text: 'SAML federation (`sts:AssumeRoleWithSAML`); the IdP asserts `PrincipalTag:User`.',
    default: 'none',
  },
  'access.developers.saml.providerArn': 'ARN of the IAM SAML provider.',
  'access.developers.saml.audience': {
    text: 'Expected `SAML:aud`.',
    default: '`https://signin.aws.amazon.com/saml`',
  },
  'access.developers.oidc': {
    text: 'OIDC federation (`sts:AssumeRoleWithWebIdentity`); the IdP asserts `principal_tags.User`.',
    default: 'none',
  },
  'access.developers.oidc.providerArn': 'ARN of the IAM OIDC provider.',
  'access.developers.oidc.audience': 'The OIDC audience (client id).',
  'access.admins': {
    text: 'Who may assume `{project}-admin`.',
    default: "the developers' IAM principals (then `access.developers.principals` is required)",
  },
  'access.identity':
    "ABAC: match the profile's `User` tag to `${aws:PrincipalTag/User}` (`principalTag`) or `${aws:username}` (`username`, IAM users named after the id). `principalTag` is required with `attribution.identityCenterInstanceArn`.",
  'access.tagSession':
    'Allow `sts:TagSession`, so federated and assumed sessions can carry the `User` tag.',
  'access.maxSessionDurationSeconds': 'Maximum session duration of both roles.',
  'access.allowedRegions': {
    text: 'Deny every action outside these regions (`aws:RequestedRegion`), in the roles and the SCP.',
    default: 'no restriction',
  },
  budgets: 'AWS Budgets, alerts, usage alarms, anomaly detection and the guardrail.',
  'budgets.monthlyUsd': 'Account budget for Claude usage, in USD.',
  'budgets.alertEmails':
    'Recipients of every budget and alert (AWS Budgets allows at most 10 per notification).',
  'budgets.thresholds':
    'Notification thresholds of the account budget, in % of the budget (at most 10 in all).',
  'budgets.thresholds.actual': 'Percentages of actual spend (no repeats).',
  'budgets.thresholds.forecast': 'Percentages of forecast spend (no repeats).',
  'budgets.teamThresholds': "Notification thresholds of each team's budget.",
  'budgets.perDeveloper':
    'Budgets per developer, filtered on `user:User$<id>` (in the team stacks when sharded).',
  'budgets.perDeveloper.enabled': 'Create a budget per developer.',
  'budgets.perDeveloper.defaultUsd':
    'Monthly budget of a developer without `developers[].monthlyBudgetUsd`.',
  'budgets.perDeveloper.thresholds': 'Notification thresholds of each developer budget.',
  'budgets.snsKmsKeyArn': {
    text: 'Encrypt the alert topic with this customer-managed KMS key. `alias/aws/sns` is rejected: Budgets cannot publish to a topic encrypted with it.',
    default: 'not encrypted',
  },
  'budgets.alarms':
    'Usage alarms on the invocation log group (metric filters + CloudWatch alarms).',
  'budgets.alarms.invocationsPer5Min': 'Invocations per 5 minutes that raise the rate alarm.',
  'budgets.alarms.outputTokensPerHour': 'Output tokens per hour that raise the token-spike alarm.',
  'budgets.alarms.errorsPer5Min': 'Throttled or failed calls per 5 minutes that raise the alarm.',
  'budgets.alarms.businessHoursUtc':
    'Business hours (UTC, weekdays); calls outside them count towards the off-hours alarm.',
  'budgets.alarms.businessHoursUtc.start': 'First business hour (0-23).',
  'budgets.alarms.businessHoursUtc.end': 'End of business hours (1-24, exclusive).',
  'budgets.alarms.offHoursInvocationsPerHour': 'Off-hours calls per hour that raise the alarm.',
  'budgets.anomaly': 'Cost Explorer anomaly detection on the project.',
  'budgets.anomaly.enabled': 'Create the anomaly monitor and subscription.',
  'budgets.anomaly.thresholdUsd': 'Anomaly impact in USD that sends an alert.',
  'budgets.guardrail': 'A Bedrock guardrail for the project.',
  'budgets.guardrail.enabled': 'Create the guardrail.',
  'budgets.guardrail.deniedTopics': 'Topics the guardrail blocks.',
  'budgets.guardrail.deniedTopics[].name': 'Topic name (1-100 plain characters).',
  'budgets.guardrail.deniedTopics[].definition': 'What the topic covers (at most 200 characters).',
  'budgets.guardrail.piiEntities': 'PII entity types the guardrail blocks.',
  logging: 'Model invocation logging (CloudWatch Logs + S3) and the CloudTrail trail.',
  'logging.manageInvocationLogging':
    'Manage the account- and region-wide invocation logging setting. Only one environment per account and region may: turn it off in the others.',
  'logging.logRetentionDays':
    "Retention of the log groups; one of CloudWatch Logs' periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).",
  'logging.transitionToIaDays':
    'Days before invocation-log objects move to STANDARD_IA (at least 30, less than `expirationDays`).',
  'logging.expirationDays':
    'Days before invocation-log objects expire (not shorter than `objectLock.days`).',
  'logging.noncurrentExpirationDays': 'Days before noncurrent object versions are removed.',
  'logging.objectLock': {
    text: 'Object Lock default retention (immutable logs) on the invocation-log and trail buckets.',
    default: 'off',
  },
  'logging.objectLock.mode': 'Object Lock mode.',
  'logging.objectLock.days': 'Retention in days.',
  'logging.delivery': 'What invocation logging records.',
  'logging.delivery.text': 'Record text prompts and completions (the cost queries need it).',
  'logging.delivery.image': 'Record image data.',
  'logging.delivery.embedding': 'Record embeddings.',
  'logging.delivery.video': 'Record video data.',
  'logging.cloudtrail': 'The CloudTrail trail recording Bedrock API calls.',
  'logging.cloudtrail.enabled': 'Create the trail and its bucket.',
  'logging.cloudtrail.multiRegion': 'Record every region.',
  'logging.cloudtrail.cloudWatchLogs':
    'Also deliver to CloudWatch Logs (retention `logRetentionDays`).',
  'logging.cloudtrail.expirationDays':
    'Days before trail objects expire (not shorter than `objectLock.days`).',
  attribution: 'The Glue table, Athena workgroup and cost queries.',
  'attribution.projectionStartDate': 'First projected partition (`YYYY/MM/DD`).',
  'attribution.bytesScannedCutoffPerQuery':
    'Athena cancels a query past this many bytes (at least 10 MB).',
  'attribution.resultsExpirationDays': 'Days before query results expire.',
  'attribution.identityCenterInstanceArn': {
    text: "Create an IAM Identity Center permission set for developers (its policy is the developer role's).",
    default: 'none',
  },
  'attribution.activateCostAllocationTags':
    'Activate the `User`, `Team`, `Project` and `CostCenter` cost allocation tags (payer account only).',
  claudeCode: 'The generated Claude Code settings and AWS CLI profiles.',
  'claudeCode.awsProfile':
    '`AWS_PROFILE` in the settings (IAM users, Identity Center, SAML/OIDC) and the CLI profile name.',
  'claudeCode.sourceProfile':
    "AWS CLI profile holding the developer's own IAM credentials, from which `awsCredentialExport` assumes the developer role with the `User` session tag (IAM principals with `identity: principalTag`).",
  'claudeCode.awsAuthRefresh': {
    text: '`awsAuthRefresh` in the settings: the command Claude Code runs to refresh credentials.',
    default: 'none (`aws sso login` with `ssoStartUrl`)',
  },
  'claudeCode.ssoStartUrl': {
    text: 'IAM Identity Center start URL: the AWS CLI profile signs in to the permission set. Needs `attribution.identityCenterInstanceArn`.',
    default: 'no Identity Center profile',
  },
  'claudeCode.cleanupPeriodDays': '`cleanupPeriodDays` of the managed settings.',
  'claudeCode.denyPaths':
    'Paths Claude Code must never read (managed settings `permissions.deny`).',
  allocation: 'How the application inference profiles are allocated.',
  'allocation.quota':
    'Application inference profiles allowed per account and region; synthesis fails when the roster needs more.',
  'allocation.shardBy':
    'Split allocation (profiles, per-developer budgets and outputs) into one stack per team.',
  backend: {
    text: 'Remote state.',
    default: 'local backend (`terraform.<environment>.tfstate`)',
  },
  'backend.s3': 'S3 state with native locking.',
  'backend.s3.bucket': 'State bucket.',
  'backend.s3.key': {
    text: 'State key.',
    default: '`{project}/{environment}/terraform.tfstate`',
  },
  'backend.s3.region': { text: 'Region of the state bucket.', default: "the environment's region" },
  'backend.s3.useLockfile': 'S3 native state locking (`use_lockfile`, Terraform ≥ 1.10).',
};
