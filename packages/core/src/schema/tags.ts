import { z } from 'zod';
import { notUnattributed, recordOf } from './fields';

/** The characters AWS allows in tag keys and values (the tagging APIs' pattern). */
const TAG_CHARACTER = '[\\p{L}\\p{Z}\\p{N}_.:/=+@-]';
const TAG_CHARACTERS = '_ . : / = + - @';

export const TAG_KEY = z
  .string()
  .min(1, 'must be 1-128 characters')
  .max(128, 'must be 1-128 characters')
  .regex(
    new RegExp(`^${TAG_CHARACTER}*$`, 'u'),
    `may contain letters, digits, spaces and ${TAG_CHARACTERS} only`,
  )
  .refine((k) => !k.toLowerCase().startsWith('aws:'), 'the aws: prefix is reserved by AWS');

export const TAG_VALUE = z
  .string()
  .regex(
    new RegExp(`^${TAG_CHARACTER}{0,256}$`, 'u'),
    `must be at most 256 characters of letters, digits, spaces and ${TAG_CHARACTERS}`,
  );

/** Cost centers are tag values (`CostCenter`), never empty. */
export const COST_CENTER = notUnattributed(
  z
    .string()
    .regex(new RegExp(`^${TAG_CHARACTER}{1,128}$`, 'u'), 'must be 1-128 tag-value characters'),
);

/** A tag map; each bad key is reported with its reason. */
export function tagMap(value: z.ZodType<string> = TAG_VALUE, key: z.ZodType<string> = TAG_KEY) {
  return recordOf(key, value);
}
