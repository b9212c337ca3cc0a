import { execFileSync } from 'child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// Runs in a fresh node process: jest has its own module registry, fast-start acts on Node's.
const FAST_START = join(__dirname, '..', 'dist', 'fast-start.js');
const node = (script: string): string =>
  execFileSync(process.execPath, ['-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8' });

describe('fast-start', () => {
  it('keeps archiver and its dependencies unloaded while cdktf loads', () => {
    const loaded = (withFastStart: boolean) =>
      Number(
        node(`
          ${withFastStart ? `require(${JSON.stringify(FAST_START)});` : ''}
          require('cdktf');
          console.log(Object.keys(require.cache).filter((f) => /node_modules[\\\\/](archiver|archiver-utils|readable-stream|lazystream)[\\\\/]/.test(f)).length);
        `),
      );
    expect(loaded(false)).toBeGreaterThan(5);
    // Only the stand-in itself.
    expect(loaded(true)).toBe(1);
  });

  it('still zips a TerraformAsset: the real archiver loads on first use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccb-fast-start-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'handler.py'), 'print("hi")\n');
    const out = join(dir, 'out');
    node(`
      require(${JSON.stringify(FAST_START)});
      const { App, TerraformStack, TerraformAsset, AssetType } = require('cdktf');
      const app = new App({ outdir: ${JSON.stringify(out)} });
      const stack = new TerraformStack(app, 'assets');
      new TerraformAsset(stack, 'code', { path: ${JSON.stringify(join(dir, 'src'))}, type: AssetType.ARCHIVE });
      app.synth();
    `);
    const assets = join(out, 'stacks', 'assets', 'assets');
    expect(existsSync(assets)).toBe(true);
    const zips = readdirSync(assets, { recursive: true }).filter((f) => String(f).endsWith('.zip'));
    expect(zips).toHaveLength(1);
  });
});
