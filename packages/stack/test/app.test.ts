import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runEnvironmentApp } from '../src';
import { APPS_DIR } from './helpers';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'ccb-app-'));
}

describe('runEnvironmentApp', () => {
  it('synthesizes Terraform JSON for a valid config', () => {
    const dir = scratch();
    const lines: string[] = [];
    const code = runEnvironmentApp({
      configPath: join(APPS_DIR, 'dev', 'config.yaml'),
      outdir: join(dir, 'cdktf.out'),
      stateDir: dir,
      log: (l) => lines.push(l),
    });
    expect(lines).toEqual([]);
    expect(code).toBe(0);
    expect(existsSync(join(dir, 'cdktf.out', 'stacks', 'dev', 'cdk.tf.json'))).toBe(true);
  });

  it('keeps terraform working files of each stack across a re-synth', () => {
    const dir = scratch();
    const outdir = join(dir, 'cdktf.out');
    const options = {
      configPath: join(APPS_DIR, 'dev', 'config.yaml'),
      outdir,
      stateDir: dir,
      log: () => {},
    };
    expect(runEnvironmentApp(options)).toBe(0);
    const stackDir = join(outdir, 'stacks', 'dev');
    mkdirSync(join(stackDir, '.terraform'));
    writeFileSync(join(stackDir, '.terraform', 'terraform.tfstate'), 'backend settings');
    writeFileSync(join(stackDir, '.terraform.lock.hcl'), 'locks');
    expect(runEnvironmentApp(options)).toBe(0);
    expect(readFileSync(join(stackDir, '.terraform', 'terraform.tfstate'), 'utf8')).toBe(
      'backend settings',
    );
    expect(readFileSync(join(stackDir, '.terraform.lock.hcl'), 'utf8')).toBe('locks');
  });

  it('lists every problem of a broken config, exits 1 and leaves the previous output untouched', () => {
    const dir = scratch();
    const outdir = join(dir, 'cdktf.out');
    mkdirSync(outdir);
    writeFileSync(join(outdir, 'marker'), 'previous synth');
    const broken = readFileSync(join(APPS_DIR, 'dev', 'config.yaml'), 'utf8')
      .replace('region: us-east-1', 'region: moon-1')
      .replace('team: payments, models: [sonnet]', 'team: nope, models: [gpt]');
    writeFileSync(join(dir, 'broken.yaml'), broken);
    const lines: string[] = [];
    const code = runEnvironmentApp({
      configPath: join(dir, 'broken.yaml'),
      outdir,
      log: (l) => lines.push(l),
    });
    const text = lines.join('\n');
    expect(code).toBe(1);
    expect(text).toMatch(/has 3 problems/);
    expect(text).toMatch(/region: .*\(got "moon-1"\)/);
    expect(text).toMatch(/developers\[2\]\.team: .*\(got "nope"\)/);
    expect(text).toMatch(/developers\[2\]\.models\[0\]: .*\(got "gpt"\)/);
    expect(text).not.toMatch(/\n\s+at /); // no stack trace
    expect(readFileSync(join(outdir, 'marker'), 'utf8')).toBe('previous synth');
  });

  it('rejects an unknown target before synthesizing', () => {
    const lines: string[] = [];
    const code = runEnvironmentApp({
      configPath: join(APPS_DIR, 'dev', 'config.yaml'),
      target: 'local',
      emulatorEndpoint: 'http://10.0.0.1:5000',
      outdir: join(scratch(), 'out'),
      log: (l) => lines.push(l),
    });
    expect(code).toBe(1);
    expect(lines.join('\n')).toMatch(
      /CCB_EMULATOR_ENDPOINT=http:\/\/127\.0\.0\.1:<port>.*10\.0\.0\.1/,
    );
  });
});
