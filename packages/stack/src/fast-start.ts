// Import first, before anything that loads cdktf, in an environment app's entry point:
//
//   import '@claude-code-bedrock/stack/fast-start';
//
// cdktf loads `archiver` (and its stream, glob and lodash dependencies, ~100 ms of a 1 s synth)
// when it is first required, only to zip `TerraformAsset` directories, which the environment
// stack does not use. This registers a stand-in for cdktf's copy of `archiver` that loads the real
// module the first time anything calls or reads it, so assets keep working; it changes nothing if
// `archiver` cannot be found or is already loaded.
import { Module, createRequire } from 'module';
import { dirname } from 'path';

type Loader = ((...args: unknown[]) => unknown) & Record<PropertyKey, unknown>;

function deferArchiver(): void {
  let file: string;
  try {
    const cdktf = dirname(require.resolve('cdktf/package.json'));
    file = require.resolve('archiver', { paths: [cdktf] });
  } catch {
    return;
  }
  if (require.cache[file]) return;
  let real: Loader | undefined;
  const load = (): Loader => {
    if (!real) {
      delete require.cache[file];
      real = createRequire(__filename)(file) as Loader;
    }
    return real;
  };
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = new Proxy(function archiver() {}, {
    apply: (_target, thisArg, args: unknown[]) => Reflect.apply(load(), thisArg, args),
    get: (_target, property) => load()[property],
    has: (_target, property) => property in load(),
  });
  require.cache[file] = standIn;
}

deferArchiver();
