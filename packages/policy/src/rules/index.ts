import { PolicyRule } from '../rule';
import { athenaEnforceWorkgroup } from './athena-enforce-workgroup';
import { bedrockInvocationLoggingText } from './bedrock-invocation-logging-text';
import { iamDeveloperBearerTokenDeny } from './iam-developer-bearer-token-deny';
import { iamDeveloperEndpointDeny } from './iam-developer-endpoint-deny';
import { iamNoAdminWildcard } from './iam-no-admin-wildcard';
import { logGroupRetention } from './log-group-retention';
import { s3Encryption } from './s3-encryption';
import { s3LifecycleExpiration } from './s3-lifecycle-expiration';
import { s3PublicAccessBlock } from './s3-public-access-block';
import { s3TlsOnly } from './s3-tls-only';
import { s3Versioning } from './s3-versioning';
import { snsNoAwsManagedKey } from './sns-no-aws-managed-key';
import { teamBudgets } from './team-budgets';
import { vpcEndpointPolicy } from './vpc-endpoint-policy';
import { vpcFlowLogs } from './vpc-flow-logs';

export * from './athena-enforce-workgroup';
export * from './bedrock-invocation-logging-text';
export * from './iam-developer-bearer-token-deny';
export * from './iam-developer-endpoint-deny';
export * from './iam-no-admin-wildcard';
export * from './log-group-retention';
export * from './s3-encryption';
export * from './s3-lifecycle-expiration';
export * from './s3-public-access-block';
export * from './s3-tls-only';
export * from './s3-versioning';
export * from './sns-no-aws-managed-key';
export * from './team-budgets';
export * from './vpc';
export * from './vpc-endpoint-policy';
export * from './vpc-flow-logs';

/** The Claude Code on Bedrock rule pack, in report order. */
export const RULES: readonly PolicyRule[] = [
  s3PublicAccessBlock,
  s3Encryption,
  s3TlsOnly,
  s3Versioning,
  s3LifecycleExpiration,
  iamNoAdminWildcard,
  iamDeveloperBearerTokenDeny,
  iamDeveloperEndpointDeny,
  logGroupRetention,
  snsNoAwsManagedKey,
  bedrockInvocationLoggingText,
  athenaEnforceWorkgroup,
  teamBudgets,
  vpcEndpointPolicy,
  vpcFlowLogs,
];

/** Rule ids, e.g. for validating suppressions. */
export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);
