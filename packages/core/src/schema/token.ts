import { Token } from 'cdktf';
import { z } from 'zod';

/**
 * `schema`, or an unresolved cdktf token (e.g. `DataAwsCallerIdentity.accountId`), whose value is
 * only known at plan time and is left to AWS. The one way constructs tolerate tokens: a literal
 * that fails `schema` is reported with `schema`'s messages and the literal as the value.
 */
export function tokenOr(schema: z.ZodType<string>): z.ZodType<string> {
  return z.string().superRefine((value, ctx) => {
    if (Token.isUnresolved(value)) return;
    const result = schema.safeParse(value);
    if (result.success) return;
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', input: value, message: issue.message });
    }
  });
}
