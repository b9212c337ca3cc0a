// The aws CLI, kept warm (scripts/aws-cli-server.py): one long-lived Python process runs the CLI's
// own driver for each `aws <args>` call, instead of a new process that spends most of a second of
// CPU importing botocore first. The end-to-end tests start one per test file and export its
// address as CCB_AWS_CLI_SERVER; `run('aws', ...)` in lib.mjs then sends captured calls there, and
// falls back to the aws process when the server cannot be reached. Output, exit codes and
// environment handling are the CLI's own: the server runs each call with exactly the environment
// the process would have had.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
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
 * awscli package is missing, or when its awscli is not the CLI that `aws` on the PATH runs (callers
 * then keep using the aws process). The server exits with this process; its own errors go to
 * `logFile` (default: none kept).
 */
export async function startAwsCliServer({ python = 'python3', logFile } = {}) {
  const log = logFile ? openSync(logFile, 'a') : 'ignore';
  const child = spawn(python, [SERVER_SCRIPT, '--parent-pid', String(process.pid)], {
    stdio: ['ignore', 'pipe', log],
  });
  if (typeof log === 'number') closeSync(log);
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const ready = await new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      buffered += d;
      if (buffered.includes('\n')) {
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve(JSON.parse(buffered.split('\n')[0]));
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`aws-cli-server exited (${code})`)));
  });
  // The same CLI as the process: `aws --version` starts with aws-cli/<the server's awscli version>.
  const cli = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  const version = `${cli.stdout ?? ''}${cli.stderr ?? ''}`.match(/aws-cli\/(\S+)/)?.[1];
  if (version !== ready.version) {
    await stop();
    throw new Error(`aws-cli-server runs awscli ${ready.version}, aws on the PATH is ${version}`);
  }
  return { url: ready.url, stop, pid: child.pid };
}

// A worker thread makes the HTTP request while this thread blocks on a shared flag, so that
// `run('aws', ...)` stays synchronous like the spawnSync it replaces.
let client;
function syncClient() {
  if (client) return client;
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const http = require('node:http');
     const { workerData } = require('node:worker_threads');
     const { port, flag } = workerData;
     const done = (reply) => {
       port.postMessage(reply);
       Atomics.store(flag, 0, 1);
       Atomics.notify(flag, 0);
     };
     port.on('message', ({ url, body }) => {
       let sent = false;
       const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
         let text = '';
         res.setEncoding('utf8');
         res.on('data', (d) => (text += d));
         res.on('end', () => done({ httpStatus: res.statusCode, text }));
         res.on('error', (err) => done({ error: String(err.message), sent: true }));
       });
       req.on('error', (err) => done({ error: String(err.code ?? err.message), sent }));
       req.end(body, () => (sent = true));
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
 * stderr }` as the process would have, or undefined when the call did not run there: the server
 * could not be reached, or refused the request (a wrong token, or a HOME other than its own). The
 * caller then runs the process. A call that may have run is never left to the process: a failure
 * once the request was sent is exit status 255.
 */
export function warmAws(url, args, { env, cwd }) {
  const { worker, port, flag } = syncClient();
  Atomics.store(flag, 0, 0);
  port.postMessage({ url, body: JSON.stringify({ args, env, cwd }) });
  if (Atomics.wait(flag, 0, 0, CALL_TIMEOUT_MS) === 'timed-out') {
    // Its late answer must not be taken for the next call's: start over with a new worker.
    worker.terminate();
    client = undefined;
    return failed(`no answer in ${CALL_TIMEOUT_MS / 1000} s`);
  }
  const reply = receiveMessageOnPort(port)?.message;
  if (!reply) return failed('no answer');
  if (reply.error) return reply.sent ? failed(reply.error) : undefined;
  if ([400, 403, 409].includes(reply.httpStatus)) return undefined;
  if (reply.httpStatus !== 200) return failed(`HTTP ${reply.httpStatus}`);
  const { status, stdout, stderr } = JSON.parse(reply.text);
  return { status, stdout, stderr };
}

/** A call that may have run but whose answer was lost: failed, as a killed process would be. */
const failed = (why) => ({ status: 255, stdout: '', stderr: `aws-cli-server: ${why}\n` });
