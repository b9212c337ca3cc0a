/**
 * The part of core a Lambda bundle may include: the shared cost formula and the spend-cap tag.
 * No yaml, cdktf or classic zod (the price rule is zod/mini); the enforcer's esbuild build resolves
 * `@claude-code-bedrock/core` to this file.
 */
export * from './pricing';
export * from './spend-caps';
export * from './unattributed';
