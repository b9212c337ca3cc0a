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
  projectionStartDate: PROJECTION_START_DATE.default('2025/01/01').meta({
    description: 'First projected partition (`YYYY/MM/DD`, UTC).',
  }),
  bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF.default(1_073_741_824).meta({
    description: `Athena cancels a query past this many bytes: a whole number, at least ${MIN_BYTES_SCANNED_CUTOFF} (10 MB). The default is 1 GB.`,
  }),
  resultsExpirationDays: DAYS.default(30).meta({
    description: 'Days before query results expire.',
  }),
  identityCenterInstanceArn: IDENTITY_CENTER_INSTANCE_ARN.optional().meta({
    description:
      "Create an IAM Identity Center permission set for developers (its policy is the developer role's).",
    defaultDescription: 'none',
  }),
  activateCostAllocationTags: z.boolean().default(false).meta({
    description:
      'Activate the `User`, `Team`, `Project` and `CostCenter` cost allocation tags (payer account only).',
  }),
});
