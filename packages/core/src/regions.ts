/**
 * Destination regions of Bedrock's system cross-region inference profiles, by id prefix.
 * A profile id such as `us.anthropic.claude-opus-4-6-v1` routes requests to any region of its
 * geography; IAM must allow the underlying foundation model in each of them.
 * Override per model tier with `destinationRegions` when AWS adds regions to a geography.
 */
export const CROSS_REGION_DESTINATIONS: Readonly<Record<string, readonly string[]>> = {
  us: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
  'us-gov': ['us-gov-east-1', 'us-gov-west-1'],
  eu: [
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
  ],
  apac: [
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
  ],
  jp: ['ap-northeast-1', 'ap-northeast-3'],
  au: ['ap-southeast-2', 'ap-southeast-4'],
  ca: ['ca-central-1', 'ca-west-1'],
  // Global profiles route to any commercial region; IAM uses a region wildcard for them.
  global: ['*'],
};

/** `^<geo>.<provider>.<model>` — a system cross-region inference profile id. */
export const SYSTEM_PROFILE_ID_PATTERN =
  /^(us|us-gov|eu|apac|jp|au|ca|global)\.[a-z0-9-]+\.[a-z0-9][a-z0-9.:-]*$/;

export const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}$/;

/** The geography prefix of a system profile id (`us` for `us.anthropic...`). */
export function profileGeography(profileId: string): string {
  return profileId.slice(0, profileId.indexOf('.'));
}

/** The foundation model id behind a system profile id (`anthropic.claude-opus-4-6-v1`). */
export function foundationModelId(profileId: string): string {
  return profileId.slice(profileId.indexOf('.') + 1);
}

/** Destination regions for a system profile id, or `[]` for an unknown geography. */
export function destinationRegions(profileId: string): readonly string[] {
  return CROSS_REGION_DESTINATIONS[profileGeography(profileId)] ?? [];
}

/** The AWS partition of a region. */
export function partitionOf(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}
