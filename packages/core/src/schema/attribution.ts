import { z } from 'zod';
import { DAYS, IDENTITY_CENTER_INSTANCE_ARN } from './fields';

/** Athena's smallest allowed bytes-scanned cutoff. */
export const MIN_BYTES_SCANNED_CUTOFF = 10_485_760;

/** First day of the projected hourly partitions, `YYYY/MM/DD` (UTC). */
export const PROJECTION_START_DATE = z
  .string()
  .regex(/^\d{4}\/(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])$/, 'must be a date written YYYY/MM/DD');

/** Bytes an Athena query of the workgroup may scan before it is cancelled. */
export const BYTES_SCANNED_CUTOFF = z
  .number()
  .refine(
    (v) => Number.isInteger(v) && v >= MIN_BYTES_SCANNED_CUTOFF,
    `must be a whole number of bytes, at least ${MIN_BYTES_SCANNED_CUTOFF} (Athena minimum is 10 MB)`,
  );

export const AttributionSchema = z.strictObject({
  /** First date of the projected partitions (YYYY/MM/DD). @default '2025/01/01' */
  projectionStartDate: PROJECTION_START_DATE.default('2025/01/01'),
  /** Bytes-scanned cutoff per Athena query. @default 1073741824 (1 GB) */
  bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF.default(1_073_741_824),
  /** @default 30 */
  resultsExpirationDays: DAYS.default(30),
  /** Create an IAM Identity Center permission set for developers. @default - none */
  identityCenterInstanceArn: IDENTITY_CENTER_INSTANCE_ARN.optional(),
  /** Activate the User/Team/Project/CostCenter cost allocation tags (payer account only). @default false */
  activateCostAllocationTags: z.boolean().default(false),
});
