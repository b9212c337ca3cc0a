// The emulator's stand-in for the AWS Lambda Node.js runtime: one process runs one invocation.
//
// ext_lambda.py starts `node lambda_runtime.mjs` in the function's extracted code directory with
// the function's environment and writes one JSON document to stdin:
//   { handler: "index.handler", event: "<payload JSON text>", resultFile, clockOffsetMs,
//     context: { functionName, functionVersion, invokedFunctionArn, memoryLimitInMB,
//                awsRequestId, logGroupName, logStreamName, deadlineMs } }
// It loads the handler as the Node.js runtime does (<module>.js, .mjs or .cjs under the code
// directory; CommonJS or ES module), calls it with the event and a context object (async, promise
// or callback style), and writes the outcome to resultFile: `ok\n<payload JSON>` or
// `error\n{"errorType","errorMessage","trace"}`, with the runtime's error types
// (Runtime.ImportModuleError, Runtime.HandlerNotFound, Runtime.UserCodeSyntaxError,
// Runtime.UnhandledPromiseRejection, Runtime.MalformedHandlerResponse). console.* lines go to stdout
// in the runtime's text format (`<time>\t<request id>\t<LEVEL>\t<message>`, newlines as \r), one
// line per call. `Date` is shifted by clockOffsetMs, so the function sees the emulator's clock.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const input = JSON.parse(readFileSync(0, 'utf8'));
const context = input.context;

function shiftClock(offsetMs) {
  if (!offsetMs) return;
  const RealDate = Date;
  function EmulatorDate(...args) {
    if (!new.target) return new RealDate(RealDate.now() + offsetMs).toString();
    return Reflect.construct(
      RealDate,
      args.length ? args : [RealDate.now() + offsetMs],
      new.target,
    );
  }
  EmulatorDate.prototype = RealDate.prototype;
  Object.defineProperty(RealDate.prototype, 'constructor', {
    value: EmulatorDate,
    writable: true,
    configurable: true,
  });
  EmulatorDate.now = () => RealDate.now() + offsetMs;
  EmulatorDate.parse = RealDate.parse;
  EmulatorDate.UTC = RealDate.UTC;
  globalThis.Date = EmulatorDate;
}

function installConsole(requestId) {
  const levels = {
    log: 'INFO',
    info: 'INFO',
    warn: 'WARN',
    error: 'ERROR',
    debug: 'DEBUG',
    trace: 'TRACE',
  };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      const line = `${new Date().toISOString()}\t${requestId}\t${level}\t${format(...args)}`;
      process.stdout.write(line.replace(/\n/g, '\r') + '\n');
    };
  }
}

let finished = false;

function finish(kind, text) {
  if (finished) return;
  finished = true;
  writeFileSync(input.resultFile, `${kind}\n${text}`);
  process.exit(0);
}

function errorPayload(err) {
  if (err instanceof Error) {
    return {
      errorType: err.name || 'Error',
      errorMessage: err.message,
      trace: (err.stack || '').split('\n'),
    };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

function fail(err) {
  finish('error', JSON.stringify(errorPayload(err)));
}

function runtimeError(name, message, cause) {
  const err = new Error(message);
  err.name = name;
  if (cause && cause.stack)
    err.stack = `${name}: ${message}\n${cause.stack.split('\n').slice(1).join('\n')}`;
  return err;
}

function succeed(result) {
  let text;
  try {
    text = JSON.stringify(result === undefined ? null : result);
  } catch (err) {
    fail(
      runtimeError(
        'Runtime.MalformedHandlerResponse',
        `Unable to stringify response body: ${err.message}`,
      ),
    );
    return;
  }
  finish('ok', text);
}

async function loadHandler(taskRoot, handler) {
  const slash = handler.lastIndexOf('/');
  const name = handler.slice(slash + 1);
  const dot = name.indexOf('.');
  if (dot < 1 || dot === name.length - 1) {
    throw runtimeError(
      'Runtime.MalformedHandlerName',
      `Bad handler ${handler}: expected <module>.<function>`,
    );
  }
  const moduleName = handler.slice(0, slash + 1) + name.slice(0, dot);
  const path = name.slice(dot + 1).split('.');
  const base = join(taskRoot, moduleName);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => existsSync(f));
  if (!file) {
    throw runtimeError('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'`);
  }
  let loaded;
  try {
    if (file.endsWith('.mjs')) {
      loaded = await import(pathToFileURL(file).href);
    } else {
      try {
        loaded = createRequire(file)(file);
      } catch (err) {
        if (err && err.code === 'ERR_REQUIRE_ESM') loaded = await import(pathToFileURL(file).href);
        else throw err;
      }
    }
  } catch (err) {
    if (err instanceof SyntaxError)
      throw runtimeError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`, err);
    if (err && err.code === 'MODULE_NOT_FOUND') {
      throw runtimeError('Runtime.ImportModuleError', `${err.name}: ${err.message}`, err);
    }
    throw err;
  }
  let fn = path.reduce((value, key) => (value == null ? undefined : value[key]), loaded);
  if (typeof fn !== 'function' && loaded && loaded.default) {
    fn = path.reduce((value, key) => (value == null ? undefined : value[key]), loaded.default);
  }
  if (typeof fn !== 'function') {
    throw runtimeError(
      'Runtime.HandlerNotFound',
      `${moduleName}.${path.join('.')} is undefined or not exported`,
    );
  }
  return fn;
}

shiftClock(input.clockOffsetMs);
installConsole(context.awsRequestId);
process.on('uncaughtException', fail);
process.on('unhandledRejection', (reason) => {
  const message = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  fail(
    runtimeError(
      'Runtime.UnhandledPromiseRejection',
      message,
      reason instanceof Error ? reason : undefined,
    ),
  );
});
// The event loop emptied without an answer (a callback handler that never called back): null.
process.on('beforeExit', () => succeed(null));

const lambdaContext = {
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: String(context.memoryLimitInMB),
  awsRequestId: context.awsRequestId,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () =>
    Math.max(0, context.deadlineMs - (Date.now() - (input.clockOffsetMs || 0))),
};

try {
  const handler = await loadHandler(process.cwd(), input.handler);
  const event = JSON.parse(input.event);
  const callback = (err, result) => (err ? fail(err) : succeed(result));
  const answer = handler(event, lambdaContext, callback);
  // A handler that returns no promise answers through the callback, else null once the event loop
  // is empty (beforeExit), as the Node.js runtime does; its return value is ignored.
  if (answer && typeof answer.then === 'function') answer.then(succeed, fail);
} catch (err) {
  fail(err);
}
