#!/usr/bin/env node
// Local AWS emulator (moto + the project's extensions in emulator/) for Terraform runs.
//
//   node scripts/emulator.mjs start [--port N] [--rate-limits]
//                                                start in the background, print the endpoint
//   node scripts/emulator.mjs stop               stop it (safe when not running)
//   node scripts/emulator.mjs status             print whether it runs (exit 0) or not (exit 1)
//   node scripts/emulator.mjs run [--port N] [--rate-limits] -- <cmd...>
//       start a private emulator, run <cmd> with CCB_EMULATOR_ENDPOINT and fake AWS credentials,
//       always stop the emulator afterwards; exit with the command's status
//
// Each server has two listeners: moto + extensions (the endpoint), and the Amazon Bedrock Runtime
// data plane (the runtime endpoint, what ANTHROPIC_BEDROCK_BASE_URL points at).
// Background state: .emulator/state.json (pid, port, endpoint, runtimePort, runtimeEndpoint),
// log: .emulator/server.log.
// --rate-limits starts the server with AWS's request-rate limits on (emulator/throttle.py;
// GET/PUT /_emulator/rate-limits).
// Other scripts: `import { startEmulator } from './emulator.mjs'` (options: port, logFile,
// background, rateLimits)
//   -> { endpoint, runtimeEndpoint, port, runtimePort, pid, stop() }.
// No dependencies; needs python3 with the moto emulator/requirements.txt pins
// (`python3 -m pip install -r emulator/requirements.txt`).

import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPTS_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = path.resolve(SCRIPTS_DIR, '..');
export const SERVER_SCRIPT = path.join(ROOT_DIR, 'emulator', 'server.py');
export const STATE_DIR = path.join(ROOT_DIR, '.emulator');
const STATE_FILE = path.join(STATE_DIR, 'state.json');
const LOG_FILE = path.join(STATE_DIR, 'server.log');
// Start-up imports moto and every extension (about 3 s on an idle 2-core machine); a loaded
// machine (end-to-end test files run side by side) can take several times that.
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

/** Environment a command needs to talk to the emulator at `endpoint`. */
export function emulatorEnv(endpoint) {
  return {
    CCB_EMULATOR_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
}

function python() {
  return process.env.PYTHON || 'python3';
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Resolves true when GET / on the port answers with any HTTP status. */
function answers(port, timeoutMs = 2_000) {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/** `{ port, runtimePort }` from server.py's port file (two lines), or undefined until it is written. */
function readPortFile(file) {
  try {
    const [port, runtimePort] = readFileSync(file, 'utf8')
      .split(/\s+/)
      .map((v) => Number.parseInt(v, 10));
    const valid = (p) => Number.isInteger(p) && p > 0;
    return valid(port) && valid(runtimePort) ? { port, runtimePort } : undefined;
  } catch {
    return undefined;
  }
}

function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Waits for the server to write its port file and for both listeners to answer HTTP; resolves
 * `{ port, runtimePort }`; throws on exit or timeout.
 */
async function waitUntilReady(child, portFile, logFile) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`emulator exited during start-up; log ${logFile}:\n${tail(logFile)}`);
    }
    const ports = readPortFile(portFile);
    if (ports && (await answers(ports.port)) && (await answers(ports.runtimePort))) return ports;
    await sleep(100);
  }
  throw new Error(
    `emulator did not answer within ${READY_TIMEOUT_MS / 1000} s; log ${logFile}:\n${tail(logFile)}`,
  );
}

function parsePort(value) {
  const port = Number(value ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer between 0 and 65535, got ${value}`);
  }
  return port;
}

async function killAndWait(pid, { group = false } = {}) {
  const target = group ? -pid : pid;
  const signal = (sig) => {
    try {
      process.kill(target, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) {
    signal('SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
}

// Servers started by startEmulator() in this process: stopped if the process exits.
const liveChildren = new Set();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) {
      try {
        child.kill('SIGKILL');
      } catch {
        // ignore
      }
    }
  });
}

/**
 * Starts an emulator. By default it is private and attached to this process: it is stopped when
 * this process exits (and stops itself if this process is killed). With `background: true` it is
 * the detached, recorded server of `emulator.mjs start` instead: it outlives this process and
 * `npm run emulator -- stop` stops it (fails if one is already running).
 * @param {{ port?: number, logFile?: string, background?: boolean, rateLimits?: boolean }} [options]
 *   port 0 (default) picks a free port; logFile defaults to a temporary file (.emulator/server.log
 *   in background); rateLimits starts it with the request-rate limits on (server.py --rate-limits)
 * @returns {Promise<{ endpoint: string, runtimeEndpoint: string, port: number, runtimePort: number,
 *   pid: number, stop: () => Promise<void> }>} `endpoint`: moto and the extensions (AWS SDKs,
 *   Terraform); `runtimeEndpoint`: the Bedrock Runtime data plane (ANTHROPIC_BEDROCK_BASE_URL)
 */
export async function startEmulator(options = {}) {
  const port = parsePort(options.port ?? 0);
  const flags = serverFlags(options);
  if (options.background) {
    const state = await startBackground(port, { reuse: options.reuse ?? false, flags });
    return {
      endpoint: state.endpoint,
      runtimeEndpoint: state.runtimeEndpoint,
      port: state.port,
      runtimePort: state.runtimePort,
      pid: state.pid,
      stop: stopBackground,
    };
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ccb-emulator-'));
  const portFile = path.join(tmp, 'port');
  const logFile = options.logFile ?? path.join(tmp, 'server.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  const logFd = openSync(logFile, 'a');
  const child = spawn(
    python(),
    [
      SERVER_SCRIPT,
      '--port',
      String(port),
      '--port-file',
      portFile,
      '--parent-pid',
      String(process.pid),
      ...flags,
    ],
    { stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  installExitHook();
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));

  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) await killAndWait(child.pid);
      liveChildren.delete(child);
      rmSync(tmp, { recursive: true, force: true }); // port file, and the log unless logFile was given
    })();
    return stopped;
  };

  try {
    const ready = await waitUntilReady(child, portFile, logFile);
    return {
      endpoint: `http://127.0.0.1:${ready.port}`,
      runtimeEndpoint: `http://127.0.0.1:${ready.runtimePort}`,
      port: ready.port,
      runtimePort: ready.runtimePort,
      pid: child.pid,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** server.py's flags for startEmulator's options. */
function serverFlags(options) {
  return options.rateLimits ? ['--rate-limits'] : [];
}

// ----------------------------------------------------------------------------- background server

function readState() {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The running background emulator, or undefined (a stale state file is removed). */
export async function backgroundStatus() {
  const state = readState();
  if (!state) return undefined;
  if (Number.isInteger(state.pid) && isAlive(state.pid) && (await answers(state.port))) {
    return state;
  }
  rmSync(STATE_FILE, { force: true });
  return undefined;
}

async function startBackground(port, { reuse = true, flags = [] } = {}) {
  const running = await backgroundStatus();
  if (running) {
    const sameFlags = (running.flags ?? []).join(' ') === flags.join(' ');
    if (!reuse || (port && port !== running.port) || !sameFlags) {
      const how = sameFlags ? '' : ` (started with flags [${(running.flags ?? []).join(' ')}])`;
      throw new Error(
        `an emulator is already running at ${running.endpoint}${how}; stop it first (npm run emulator -- stop)`,
      );
    }
    return running;
  }
  mkdirSync(STATE_DIR, { recursive: true });
  const portFile = path.join(STATE_DIR, 'port');
  rmSync(portFile, { force: true });
  const logFd = openSync(LOG_FILE, 'w');
  const child = spawn(
    python(),
    [SERVER_SCRIPT, '--port', String(port), '--port-file', portFile, ...flags],
    {
      detached: true,
      stdio: ['ignore', logFd, logFd],
    },
  );
  closeSync(logFd);
  try {
    const ready = await waitUntilReady(child, portFile, LOG_FILE);
    const state = {
      pid: child.pid,
      port: ready.port,
      endpoint: `http://127.0.0.1:${ready.port}`,
      runtimePort: ready.runtimePort,
      runtimeEndpoint: `http://127.0.0.1:${ready.runtimePort}`,
      flags,
      startedAt: new Date().toISOString(),
      log: path.relative(ROOT_DIR, LOG_FILE),
    };
    writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
    child.unref();
    return state;
  } catch (error) {
    await killAndWait(child.pid, { group: true });
    throw error;
  }
}

/** Stops the background emulator; resolves false when none was running. */
export async function stopBackground() {
  const state = readState();
  if (!state || !Number.isInteger(state.pid) || !isAlive(state.pid)) {
    rmSync(STATE_FILE, { force: true });
    return false;
  }
  await killAndWait(state.pid, { group: true });
  rmSync(STATE_FILE, { force: true });
  return true;
}

// ----------------------------------------------------------------------------- run -- <cmd>

async function runWith(port, rateLimits, command) {
  if (command.length === 0) {
    throw new Error('usage: emulator.mjs run [--port N] [--rate-limits] -- <command...>');
  }
  const emulator = await startEmulator({
    port,
    rateLimits,
    logFile: path.join(STATE_DIR, 'run-server.log'),
  });
  let child;
  let interrupted;
  const forward = (sig) => {
    interrupted ??= sig;
    if (child && child.exitCode === null) child.kill(sig);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    if (interrupted) return 130;
    console.error(`emulator: ${emulator.endpoint} runtime=${emulator.runtimeEndpoint}`);
    child = spawn(command[0], command.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, ...emulatorEnv(emulator.endpoint) },
    });
    const { code, signal } = await new Promise((resolve) => {
      child.once('error', (error) => {
        console.error(`cannot run ${command[0]}: ${error.message}`);
        resolve({ code: 127, signal: null });
      });
      child.once('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
    });
    if (signal) return 128 + (os.constants.signals[signal] ?? 1);
    return code ?? 1;
  } finally {
    await emulator.stop();
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}

// ----------------------------------------------------------------------------- CLI

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const separator = rest.indexOf('--');
  const own = separator === -1 ? rest : rest.slice(0, separator);
  const trailing = separator === -1 ? [] : rest.slice(separator + 1);
  let port = 0;
  let rateLimits = false;
  for (let i = 0; i < own.length; i += 1) {
    if (own[i] === '--rate-limits') {
      rateLimits = true;
    } else if (own[i] === '--port') {
      port = parsePort(own[i + 1]);
      i += 1;
    } else if (own[i].startsWith('--port=')) {
      port = parsePort(own[i].slice('--port='.length));
    } else {
      throw new Error(`unknown argument: ${own[i]}`);
    }
  }
  return { command, port, rateLimits, trailing };
}

function checkPython() {
  const probe = spawnSync(python(), ['-c', 'import moto, flask; print(moto.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    throw new Error(
      `${python()} cannot import moto; install it with: ${python()} -m pip install -r emulator/requirements.txt`,
    );
  }
}

async function main(argv) {
  const { command, port, rateLimits, trailing } = parseArgs(argv);
  switch (command) {
    case 'start': {
      checkPython();
      const state = await startBackground(port, { flags: serverFlags({ rateLimits }) });
      console.log(state.endpoint);
      if (state.runtimeEndpoint) console.error(`bedrock runtime: ${state.runtimeEndpoint}`);
      return 0;
    }
    case 'stop': {
      const stopped = await stopBackground();
      console.log(stopped ? 'emulator stopped' : 'emulator not running');
      return 0;
    }
    case 'status': {
      const state = await backgroundStatus();
      const runtime = state?.runtimeEndpoint ? ` runtime=${state.runtimeEndpoint}` : '';
      console.log(state ? `running ${state.endpoint}${runtime} (pid ${state.pid})` : 'not running');
      return state ? 0 : 1;
    }
    case 'run':
      checkPython();
      return runWith(port, rateLimits, trailing);
    default:
      console.error(
        'usage: emulator.mjs start [--port N] [--rate-limits] | stop | status | run [--port N] [--rate-limits] -- <command...>',
      );
      return 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
