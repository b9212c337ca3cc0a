/**
 * The part of core a Lambda bundle may include: the shared cost formula and the spend-cap tag.
 * Dependency-free (no zod, yaml or cdktf); the enforcer's esbuild build resolves
 * `@claude-code-bedrock/core` to this file.
 */
export * from './pricing';
export * from './spend-caps';
