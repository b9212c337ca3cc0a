// Bundles the Lambda entry into dist/lambda/index.js: one CommonJS file for the Node.js 20 runtime,
// with the AWS SDK v3 clients and the workspace packages inside, so it runs with no node_modules.
import { build } from 'esbuild';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'fs';
import { basename, dirname, join } from 'path';
import { fileURLToPath } from 'url';
import { coreLambdaSafe } from './esbuild-core.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// The function needs only core's Lambda-safe part (esbuild-core.mjs).
const outdir = join(here, 'dist', 'lambda');
const result = await build({
  entryPoints: { index: join(here, 'src', 'lambda.ts') },
  outdir,
  // Paths in the bundle relative to this package, wherever the build runs from.
  absWorkingDir: here,
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
  write: false,
});
// Written only when it changed, each file replaced in one step (a rename): builds run while a
// synthesis archives the bundle's directory (the end-to-end tests build before each deploy) never
// show it a file missing or half-written, and an unchanged bundle keeps its file. The file being
// written waits outside that directory (in dist/), so no archive can take it in.
mkdirSync(outdir, { recursive: true });
const wanted = new Set(result.outputFiles.map((f) => f.path));
for (const file of result.outputFiles) {
  if (existsSync(file.path) && readFileSync(file.path).equals(file.contents)) continue;
  mkdirSync(dirname(file.path), { recursive: true });
  const tmp = join(here, 'dist', `.lambda-${basename(file.path)}.${process.pid}.tmp`);
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
}
// Anything else in the directory (an earlier build's file) would be archived with the bundle.
for (const name of readdirSync(outdir)) {
  if (!wanted.has(join(outdir, name))) rmSync(join(outdir, name), { recursive: true, force: true });
}
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(
  `enforcer bundle: ${join('dist', 'lambda', 'index.js')} (${(bytes / 1024).toFixed(0)} KiB)`,
);
