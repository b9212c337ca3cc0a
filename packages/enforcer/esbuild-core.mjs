// The esbuild plugin of every bundle of the enforcer's sources (build.mjs, bench.mjs): resolves
// `@claude-code-bedrock/core` to core's Lambda-safe part (src/lambda-safe.ts: the shared cost
// formula, the price rule and the spend-cap tag). Bundling core's index would pull in its
// configuration schema, classic zod, cdktf and yaml.
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';

const here = dirname(fileURLToPath(import.meta.url));

/** The core module a bundle gets for `@claude-code-bedrock/core`. */
export const CORE_LAMBDA_SAFE = join(here, '..', 'core', 'src', 'lambda-safe.ts');

export const coreLambdaSafe = {
  name: 'core-lambda-safe',
  setup(b) {
    b.onResolve({ filter: /^@claude-code-bedrock\/core$/ }, () => ({ path: CORE_LAMBDA_SAFE }));
  },
};
