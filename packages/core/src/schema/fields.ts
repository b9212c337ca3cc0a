import { z } from 'zod';
import { UNATTRIBUTED } from '../unattributed';
import { REGION_PATTERN, SYSTEM_PROFILE_ID_PATTERN } from '../regions';

/*
 * Field schemas shared by the configuration file and the constructs' props: each rule once.
 * Constructs wrap the fields that may hold a cdktf token in `tokenOr` (./token).
 */

export const ACCOUNT_ID = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

export const REGION = z
  .string()
  .regex(REGION_PATTERN, 'must be an AWS region code such as us-east-1');

/** IAM principal ARNs that may assume a role: account roots, users, roles. */
export const IAM_PRINCIPAL_ARN = z
  .string()
  .regex(
    /^arn:aws(-us-gov|-cn)?:(iam::\d{12}:(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)|sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/,
    'must be an IAM principal ARN (arn:aws:iam::<account>:root|user/<name>|role/<name>)',
  );

export const SAML_PROVIDER_ARN = z
  .string()
  .regex(
    /^arn:aws(-us-gov|-cn)?:iam::\d{12}:saml-provider\/[\w.-]+$/,
    'must be a SAML provider ARN (arn:aws:iam::<account>:saml-provider/<name>)',
  );

export const OIDC_PROVIDER_ARN = z
  .string()
  .regex(
    /^arn:aws(-us-gov|-cn)?:iam::\d{12}:oidc-provider\/[\w.:/-]+$/,
    'must be an OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<host>)',
  );

export const IDENTITY_CENTER_INSTANCE_ARN = z
  .string()
  .regex(
    /^arn:aws(-us-gov|-cn)?:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/,
    'must be an IAM Identity Center instance ARN',
  );

export const KMS_KEY_ARN = z
  .string()
  .regex(
    /^arn:aws(-us-gov|-cn)?:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/,
    'must be a customer-managed KMS key ARN (arn:aws:kms:<region>:<account>:key/<uuid>)',
  );

export const EMAIL = z
  .string()
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an e-mail address such as finops@example.com');

export const SYSTEM_PROFILE_ID = z
  .string()
  .regex(
    SYSTEM_PROFILE_ID_PATTERN,
    'must be a system cross-region inference profile id such as us.anthropic.claude-opus-4-6-v1',
  );

/** Tier names appear in profile names, tags and settings: short, lowercase. */
export const TIER_NAME = z
  .string()
  .regex(
    /^[a-z][a-z0-9]{0,15}$/,
    'must be 1-16 lowercase letters or digits, starting with a letter',
  );

export const PROJECT_NAME = z
  .string()
  .min(3, 'must be 3-24 characters')
  .max(24, 'must be 3-24 characters')
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    'must use only a-z, 0-9 and -, and start and end with a letter or digit',
  );

/** Refuses {@link UNATTRIBUTED} as a value of `schema`. */
export function notUnattributed<T extends z.ZodType<string>>(schema: T) {
  return schema.refine((v) => v !== UNATTRIBUTED, {
    message: `'${UNATTRIBUTED}' is reserved for usage not made through a developer profile`,
  });
}

/** Developer ids become tag values and IAM session tags: AWS tag-value characters only. */
export const DEVELOPER_ID = notUnattributed(
  z
    .string()
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters')
    .regex(
      /^[\p{L}\p{N}_.:/=+@-]+$/u,
      'may contain letters, digits and _ . : / = + @ - only (no spaces)',
    ),
);

export const TEAM_ID = notUnattributed(
  z
    .string()
    .regex(
      /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/,
      'must be 1-40 characters of a-z, 0-9 and -, starting and ending with a letter or digit',
    ),
);

/** S3 bucket-name prefix: `{prefix}-bedrock-invocation-logs` must stay a valid bucket name. */
export const BUCKET_PREFIX = z
  .string()
  .min(3, 'must be 3-37 characters')
  .max(37, 'must be 3-37 characters so that {prefix}-bedrock-invocation-logs fits in 63')
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    'must use only a-z, 0-9 and - (S3 bucket names are lowercase; dots break TLS), and start and end with a letter or digit',
  )
  .refine(
    (p) => !/^(xn--|sthree-|amzn-s3-demo-)/.test(p),
    'must not start with xn--, sthree- or amzn-s3-demo- (reserved by S3)',
  );

/** A bucket the kit creates: 3-63 lowercase letters, digits and hyphens (no dots: they break TLS). */
export const BUCKET_NAME = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/,
    'must be a 3-63 character S3 bucket name of a-z, 0-9 and - (no dots)',
  );

export const DAYS = z
  .number()
  .int('must be a whole number of days')
  .positive('must be at least 1 day');

export const USD = z
  .number()
  .positive('must be a positive amount in USD')
  .max(1e9, 'must be at most 1e9 USD');

/** Regions a deployment may use (aws:RequestedRegion). */
export const ALLOWED_REGIONS = z.array(REGION).min(1, 'must list at least one region (or omit it)');

/**
 * A record whose keys are checked one by one, so that each problem carries its reason (a record's
 * key schema reports only "invalid key").
 */
export function recordOf<V extends z.ZodType>(key: z.ZodType<string>, value: V) {
  return z.record(z.string(), value).superRefine((entries, ctx) => {
    for (const k of Object.keys(entries)) {
      const result = key.safeParse(k);
      for (const issue of result.success ? [] : result.error.issues) {
        ctx.addIssue({ code: 'custom', path: [k], input: k, message: issue.message });
      }
    }
  });
}
