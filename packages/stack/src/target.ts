import type { AwsProviderConfig, AwsProviderEndpoints } from '@cdktf/provider-aws/lib/provider';

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

/**
 * Provider settings for a target. The local target keeps every resource (the stack is the one
 * users deploy to AWS); it only redirects API calls and fails fast (`max_retries = 1`) on any
 * call the emulator lacks. It deliberately keeps `skip_requesting_account_id` unset so ARNs
 * carry the emulator's account id.
 */
export function providerSettingsFor(target: DeployTarget): Partial<AwsProviderConfig> {
  if (target.kind === 'aws') return {};
  const endpoints: AwsProviderEndpoints = Object.fromEntries(
    EMULATED_SERVICES.map((s) => [s, target.endpoint]),
  );
  return {
    accessKey: 'test',
    secretKey: 'test',
    s3UsePathStyle: true,
    skipCredentialsValidation: true,
    skipMetadataApiCheck: 'true',
    maxRetries: 1,
    endpoints: [endpoints],
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
