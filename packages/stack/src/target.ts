import type { AwsProviderConfig, AwsProviderEndpoints } from '@cdktf/provider-aws/lib/provider';
import type { S3BackendConfig } from 'cdktf';

/** Where an environment is deployed. */
export type DeployTarget =
  /** Real AWS, with the credentials of whoever runs Terraform. */
  | { readonly kind: 'aws' }
  /** The local AWS emulator (moto + the project's extensions) at `endpoint`. */
  | { readonly kind: 'local'; readonly endpoint: string };

/** Services the stack calls; every one is pointed at the emulator for the local target. */
export const EMULATED_SERVICES = [
  'athena',
  'bedrock',
  'budgets',
  'ce',
  'cloudtrail',
  'cloudwatch',
  'dynamodb',
  'ec2',
  'events',
  'logs',
  'glue',
  'iam',
  'kms',
  'lambda',
  's3',
  'sns',
  'ssoadmin',
  'sts',
] as const;

/** The emulator's root credentials (any key signs as its default account). */
const EMULATOR_KEYS = { accessKey: 'test', secretKey: 'test' } as const;

/**
 * Provider settings for a target. The local target keeps every resource (the stack is the one
 * users deploy to AWS); it only redirects API calls. It keeps the provider's default retries, as
 * on AWS, so throttling (the emulator's optional rate limits) and dropped connections are retried
 * the way they are in a real account; the emulator answers calls it lacks with a non-retryable
 * error, so those still fail at once. It deliberately keeps `skip_requesting_account_id` unset so
 * ARNs carry the emulator's account id.
 */
export function providerSettingsFor(target: DeployTarget): Partial<AwsProviderConfig> {
  if (target.kind === 'aws') return {};
  const endpoints: AwsProviderEndpoints = Object.fromEntries(
    EMULATED_SERVICES.map((s) => [s, target.endpoint]),
  );
  return {
    ...EMULATOR_KEYS,
    s3UsePathStyle: true,
    skipCredentialsValidation: true,
    skipMetadataApiCheck: 'true',
    endpoints: [endpoints],
  };
}

/**
 * S3 backend settings for a target, used by the backend and by the `terraform_remote_state` data
 * sources that read it (a shard's view of the environment stack). AWS: none (the caller's
 * credential chain, the bucket's own endpoint). Local: the same backend, native locking included,
 * against the emulator's S3 (path-style addressing, the emulator's keys, no STS, IAM or instance
 * metadata lookups, any region name).
 */
export function backendSettingsFor(target: DeployTarget): Partial<S3BackendConfig> {
  if (target.kind === 'aws') return {};
  return {
    ...EMULATOR_KEYS,
    endpoints: { s3: target.endpoint, sts: target.endpoint, iam: target.endpoint },
    usePathStyle: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    skipRegionValidation: true,
  };
}

/** Parses `CCB_TARGET` / `CCB_EMULATOR_ENDPOINT` values (read by the app's main.ts). */
export function parseTarget(kind: string | undefined, endpoint: string | undefined): DeployTarget {
  if (kind === undefined || kind === '' || kind === 'aws') return { kind: 'aws' };
  if (kind === 'local') {
    const url = endpoint ?? '';
    if (!/^http:\/\/(127\.0\.0\.1|localhost):\d+\/?$/.test(url)) {
      throw new Error(
        `CCB_TARGET=local needs CCB_EMULATOR_ENDPOINT=http://127.0.0.1:<port> (got ${JSON.stringify(endpoint ?? null)}); start one with 'npm run emulator -- start'`,
      );
    }
    return { kind: 'local', endpoint: url.replace(/\/$/, '') };
  }
  throw new Error(`CCB_TARGET must be 'aws' or 'local' (got ${JSON.stringify(kind)})`);
}
