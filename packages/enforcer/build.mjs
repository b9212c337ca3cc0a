// Bundles the Lambda entry into dist/lambda/index.js: one CommonJS file for the Node.js 20 runtime,
// with the AWS SDK v3 clients and the workspace packages inside, so it runs with no node_modules.
import { build } from 'esbuild';
import { rmSync } from 'fs';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';
import { coreLambdaSafe } from './esbuild-core.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// The function needs only core's Lambda-safe part (esbuild-core.mjs).
const outdir = join(here, 'dist', 'lambda');
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { index: join(here, 'src', 'lambda.ts') },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Whitespace and syntax minified, names kept: stack traces in the function's logs stay readable
  // without shipping a source map. Licence comments of the bundled packages stay at the end.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
  plugins: [coreLambdaSafe],
});
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(
  `enforcer bundle: ${join('dist', 'lambda', 'index.js')} (${(bytes / 1024).toFixed(0)} KiB)`,
);
