import { execFileSync } from 'child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { createRequire } from 'module';
import { tmpdir } from 'os';
import { join } from 'path';
import { ENFORCER_BUNDLE_DIR, ENFORCER_HANDLER } from '../src';

/**
 * The esbuild bundle (`npm run build`; turbo builds it before this package's tests, and this file
 * builds it when run alone).
 */
const BUNDLE = join(ENFORCER_BUNDLE_DIR, 'index.js');

beforeAll(() => {
  if (!existsSync(BUNDLE)) execFileSync(process.execPath, [join(__dirname, '..', 'build.mjs')]);
}, 60_000);

/** Runs the bundle in a directory of its own (no node_modules anywhere above) and returns stdout. */
function runAlone(event: unknown, env: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'enforcer-bundle-'));
  try {
    copyFileSync(BUNDLE, join(dir, 'index.js'));
    const script = `require('./index.js').handler(${JSON.stringify(event)}).then(
      (r) => console.log('resolved', JSON.stringify(r)),
      (e) => console.log('rejected', e.message))`;
    return execFileSync(process.execPath, ['-e', script], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', ...env },
      encoding: 'utf8',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the Lambda bundle', () => {
  test('is one CommonJS file exporting the handler named in ENFORCER_HANDLER', () => {
    expect(readdirSync(ENFORCER_BUNDLE_DIR)).toEqual(['index.js']);
    const bundle = createRequire(__filename)(BUNDLE) as Record<string, unknown>;
    const [file, exported] = ENFORCER_HANDLER.split('.');
    expect(file).toBe('index');
    expect(typeof bundle[exported]).toBe('function');
  });

  test('runs on a bare Node.js with no node_modules, AWS SDK included', () => {
    const out = runAlone(
      { nope: true },
      {
        USAGE_TABLE: 'usage',
        ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:a',
        CAPS_BUCKET: 'b',
        CAPS_KEY: 'k',
      },
    );
    expect(out).toContain('rejected unrecognised event');
  });

  test('reports missing configuration as the invocation error', () => {
    expect(runAlone({ nope: true }, {})).toContain(
      'rejected enforcer configuration: USAGE_TABLE is not set',
    );
  });
});
