import { Token } from 'cdktf';
import { z } from 'zod';

/**
 * Wraps a string schema so that unresolved tokens (e.g. an account id read from
 * `DataAwsCallerIdentity`) pass unchecked; they are only known at plan time.
 */
export function unlessToken(schema: z.ZodType<string>): z.ZodType<string> {
  return z.string().superRefine((value, ctx) => {
    if (Token.isUnresolved(value)) return;
    const result = schema.safeParse(value);
    if (result.success) return;
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', input: value, message: issue.message });
    }
  });
}

export const DAYS = z
  .number()
  .int('must be a whole number of days')
  .positive('must be at least 1 day');

export const OBJECT_LOCK = z.strictObject({
  mode: z.enum(['GOVERNANCE', 'COMPLIANCE']),
  days: DAYS.max(36500, 'must be at most 36500 days (100 years)'),
});

/** S3 bucket names: 3-63 lowercase letters, digits and hyphens (no dots: they break TLS). */
export const BUCKET_NAME = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/,
    'must be a 3-63 character S3 bucket name of a-z, 0-9 and - (no dots)',
  );

/** A key prefix without leading or trailing slash, made of S3 safe characters. */
export const KEY_PREFIX = z
  .string()
  .regex(
    /^[A-Za-z0-9!_.*'()-]+(?:\/[A-Za-z0-9!_.*'()-]+)*$/,
    "must be S3-safe path segments (A-Z a-z 0-9 ! _ . * ' ( ) -) separated by single slashes, without a leading or trailing slash",
  );
