// The dev environment app. The only place that reads the environment: which config file
// (CCB_CONFIG, default ./config.yaml), which target (CCB_TARGET=aws|local, CCB_EMULATOR_ENDPOINT),
// where local state lives (CCB_STATE_DIR, default this directory)
// and where to write Terraform JSON (CDKTF_OUTDIR, set by 'cdktf synth|deploy').
// First: defers loading modules cdktf only needs for assets (see fast-start).
import '@claude-code-bedrock/stack/fast-start';
import * as path from 'path';
import { runEnvironmentApp } from '@claude-code-bedrock/stack';

process.exitCode = runEnvironmentApp({
  configPath: process.env.CCB_CONFIG ?? path.join(__dirname, '..', 'config.yaml'),
  target: process.env.CCB_TARGET,
  emulatorEndpoint: process.env.CCB_EMULATOR_ENDPOINT,
  outdir: process.env.CDKTF_OUTDIR ?? path.join(__dirname, '..', 'cdktf.out'),
  stateDir: process.env.CCB_STATE_DIR ?? path.join(__dirname, '..'),
  debug: process.env.CCB_DEBUG === '1',
});
