// The aws CLI, kept warm (scripts/aws-cli-server.py): one long-lived Python process runs the CLI's
// own driver for each `aws <args>` call, instead of a new process that spends most of a second of
// CPU importing botocore first. The end-to-end tests start one per test file and export its
// address as CCB_AWS_CLI_SERVER; `run('aws', ...)` in lib.mjs then sends captured calls there, and
// falls back to the aws process when the server cannot be reached. Output, exit codes and
// environment handling are the CLI's own: the server runs each call with exactly the environment
// the process would have had.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';

/** The environment variable that holds the warm CLI's address (with its token). */
export const AWS_CLI_SERVER_ENV = 'CCB_AWS_CLI_SERVER';

const SERVER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'aws-cli-server.py');
// One call is a few milliseconds; a slow one (a large object, a loaded emulator) gets ten minutes,
// as long as any aws process in the scripts is allowed to take.
const CALL_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Starts the warm CLI and resolves to `{ url, stop }` once it listens; rejects when Python or the
 * awscli package is missing (callers then keep using the aws process). The server exits with
 * this process.
 */
export function startAwsCliServer({ python = 'python3' } = {}) {
  const child = spawn(python, [SERVER_SCRIPT, '--parent-pid', String(process.pid)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      buffered += d;
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n')) {
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve({ url: JSON.parse(line).url, stop, pid: child.pid });
      }
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`aws-cli-server exited (${code}): ${stderr.trim().split('\n').pop()}`)),
    );
  });
}

// A worker thread makes the HTTP request while this thread blocks on a shared flag, so that
// `run('aws', ...)` stays synchronous like the spawnSync it replaces.
let client;
function syncClient() {
  if (client) return client;
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const { port, flag } = workerData;
     port.on('message', async ({ url, body }) => {
       let reply;
       try {
         const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
         reply = { httpStatus: res.status, text: await res.text() };
       } catch (err) {
         reply = { error: String(err?.cause?.code ?? err?.message ?? err) };
       }
       port.postMessage(reply);
       Atomics.store(flag, 0, 1);
       Atomics.notify(flag, 0);
     });`,
    { eval: true, workerData: { port: port2, flag }, transferList: [port2] },
  );
  worker.unref();
  port1.unref();
  client = { worker, port: port1, flag };
  return client;
}

/**
 * Runs `aws <args>` on the warm CLI at `url` with `env` in `cwd`; returns `{ status, stdout,
 * stderr }` as the process would have, or undefined when the server cannot be reached or refuses
 * the request, so the call did not run (the caller then runs the process).
 */
export function warmAws(url, args, { env, cwd }) {
  const { worker, port, flag } = syncClient();
  Atomics.store(flag, 0, 0);
  port.postMessage({ url, body: JSON.stringify({ args, env, cwd }) });
  if (Atomics.wait(flag, 0, 0, CALL_TIMEOUT_MS) === 'timed-out') {
    // Its late answer must not be taken for the next call's: start over with a new worker.
    // The call may have run: report it as failed rather than run it again.
    worker.terminate();
    client = undefined;
    return {
      status: 255,
      stdout: '',
      stderr: `aws-cli-server: no answer in ${CALL_TIMEOUT_MS / 1000} s\n`,
    };
  }
  const reply = receiveMessageOnPort(port)?.message;
  if (!reply || reply.error || reply.httpStatus !== 200) return undefined;
  const { status, stdout, stderr } = JSON.parse(reply.text);
  return { status, stdout, stderr };
}
