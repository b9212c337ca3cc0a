"""AWS Lambda for moto 5.2.1: functions run for real, with the local Node.js and no Docker.

moto 5.2.1 runs a function in a Docker container (``LambdaFunction._invoke_lambda``) on every path
that invokes one: ``Invoke``, ``InvokeAsync`` and its own triggers (SNS, SQS, DynamoDB and Kinesis
streams, S3 notifications, CloudWatch Logs subscriptions). This extension replaces the one choke
point, ``LambdaFunction.invoke``, and the ``Invoke`` response, so none of them reaches Docker:

- ``run(fn, payload)``: the zip moto stored at CreateFunction / UpdateFunctionCode
  (``fn.code_bytes``, from ``ZipFile`` or ``S3Bucket``/``S3Key``) is extracted once per code SHA-256
  into a cache directory; ``node lambda_runtime.mjs`` runs the handler there, one process per
  invocation, with the function's ``Environment.Variables``, the runtime's reserved variables
  (``AWS_REGION``, ``AWS_LAMBDA_FUNCTION_NAME``, ...), ``AWS_ENDPOINT_URL`` = the emulator's main
  endpoint (AWS SDKs honour it) and session credentials of the function's execution role (issued
  by moto's STS for the account of the role, cached per role for up to an hour). ``Timeout`` is
  enforced (the process group is killed). Output goes to the ``/aws/lambda/<name>`` log group with
  START / END / REPORT lines; ``AWS/Lambda`` ``Invocations``, ``Errors`` and ``Duration`` metrics
  (dimension ``FunctionName``) go to CloudWatch, dated by the emulator clock.
- ``Invoke``: ``RequestResponse`` (200, the payload; ``X-Amz-Executed-Version``;
  ``X-Amz-Function-Error: Unhandled`` with ``{errorType, errorMessage, trace}`` when the function
  fails; ``X-Amz-Log-Result`` with ``LogType: Tail``), ``Event`` (202, queued; the asynchronous
  invocation path below) and ``DryRun`` (204, nothing runs).
- Asynchronous invocations (``Event``, EventBridge targets, CloudWatch Logs subscriptions):
  ``run_async`` retries a failed run ``MaximumRetryAttempts`` times (the function's event invoke
  configuration, default 2, as AWS), ``CCB_EMULATOR_ASYNC_RETRY_DELAY`` seconds apart, doubling
  (AWS waits about 1 and 2 minutes); ``AsyncEventsReceived`` / ``AsyncEventsDropped`` metrics.
  ``GET /_emulator/lambda/async-invocations?wait=S`` reports (and waits for) the queue.
- ``service_may_invoke(fn, service, source_arn, account)``: whether the function's resource policy
  (``AddPermission``) lets ``<service>.amazonaws.com`` invoke it for that source, which CloudWatch
  Logs and EventBridge check before they invoke.

Only ``nodejs*`` runtimes of ``Zip`` functions run; others answer ``InvalidRuntimeException``.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import base64
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.awslambda.responses import LambdaResponse
from moto.awslambda.utils import get_backend

import clock
import control
from ext_common import AwsError, extend_init, patch

SERVICE = "lambda"
HERE = Path(__file__).resolve().parent
RUNTIME = HERE / "lambda_runtime.mjs"
CACHE = Path(
    os.environ.get("CCB_EMULATOR_LAMBDA_CACHE") or Path(tempfile.gettempdir()) / f"ccb-emulator-lambda-{os.getuid()}"
)
RETRY_DELAY = float(os.environ.get("CCB_EMULATOR_ASYNC_RETRY_DELAY", "0.5"))
ASYNC_WORKERS = 4
SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024
ASYNC_PAYLOAD_LIMIT = 1024 * 1024
INVOKE_ASYNC_PAYLOAD_LIMIT = 256 * 1024  # the deprecated InvokeAsync operation
RESPONSE_LIMIT = 6 * 1024 * 1024
LOG_TAIL_BYTES = 4096
SESSION_SECONDS = 3600


@dataclass
class Result:
    """One finished run: the payload (the answer, or the error document) and its logs."""

    payload: bytes
    error: bool
    logs: str
    version: str
    request_id: str
    duration_ms: float


def node() -> str:
    return os.environ.get("NODE") or shutil.which("node") or "node"


def _init_state(self: LambdaBackend) -> None:
    self.execution_sessions = {}  # role ARN -> (environment variables, expiry epoch seconds)


extend_init(LambdaBackend, _init_state)


# --------------------------------------------------------------------------- code and credentials

_extract_lock = threading.Lock()


def task_root(fn: LambdaFunction) -> Path:
    """The directory of the function's extracted code (extracted once per code SHA-256)."""
    digest = getattr(fn, "code_digest", "") or ""
    code = getattr(fn, "code_bytes", b"") or b""
    if not digest or not code:
        raise AwsError(SERVICE, "InvalidZipFileException", "The function has no code to run.")
    target = CACHE / digest
    if target.is_dir():
        return target
    with _extract_lock:
        if target.is_dir():
            return target
        CACHE.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=CACHE))
        try:
            _extract(code, staging)
            try:
                staging.rename(target)
            except OSError:  # another emulator process extracted the same code first
                shutil.rmtree(staging, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target


def _extract(code: bytes, into: Path) -> None:
    try:
        archive = zipfile.ZipFile(BytesIO(code))
    except zipfile.BadZipFile:
        raise AwsError(SERVICE, "InvalidZipFileException", "Could not unzip uploaded file.") from None
    root = into.resolve()
    with archive:
        for member in archive.infolist():
            destination = (into / member.filename).resolve()
            if destination != root and root not in destination.parents:
                raise AwsError(SERVICE, "InvalidZipFileException", f"Unsafe path in the zip: {member.filename}")
            archive.extract(member, into)
            mode = (member.external_attr >> 16) & 0o777
            if mode and not member.is_dir():
                destination.chmod(mode | 0o400)


def _credentials(fn: LambdaFunction) -> dict[str, str]:
    """Session credentials of the execution role (moto STS), cached per role on the backend."""
    from moto.sts.models import sts_backends

    backend = get_backend(fn.account_id, fn.region)
    cached = backend.execution_sessions.get(fn.role)
    if cached and cached[1] - 300 > time.time():
        return cached[0]
    session = sts_backends[fn.account_id][fn.partition].assume_role(
        region_name=fn.region,
        role_session_name=fn.function_name[:64],
        role_arn=fn.role,
        policy="",
        duration=SESSION_SECONDS,
        external_id="",
    )
    variables = {
        "AWS_ACCESS_KEY_ID": session.access_key_id,
        "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
        "AWS_SESSION_TOKEN": session.session_token,
    }
    backend.execution_sessions[fn.role] = (variables, time.time() + SESSION_SECONDS)
    return variables


# --------------------------------------------------------------------------- running


def _check_runnable(fn: LambdaFunction) -> None:
    if getattr(fn, "package_type", "Zip") != "Zip" or not str(fn.run_time or "").startswith("nodejs"):
        kind = fn.run_time or f"package type {fn.package_type}"
        raise AwsError(
            SERVICE,
            "InvalidRuntimeException",
            f"The runtime {kind} is not supported by the local emulator, which runs Node.js (nodejs*) zip functions.",
        )


def _environment(fn: LambdaFunction, stream: str) -> dict[str, str]:
    variables = {k: str(v) for k, v in (fn.environment_vars or {}).items()}
    variables.update(
        {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "_HANDLER": str(fn.handler),
            "AWS_REGION": fn.region,
            "AWS_DEFAULT_REGION": fn.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{fn.run_time}",
            "AWS_LAMBDA_FUNCTION_NAME": fn.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": str(fn.version),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": fn.logs_group_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_ENDPOINT_URL": control.endpoint(),
        }
    )
    variables.update(_credentials(fn))
    return variables


def _error(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}, separators=(",", ":")).encode()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()


def run(fn: LambdaFunction, payload: bytes) -> Result:
    """Runs the function once on ``payload`` (a JSON document); raises AwsError when it cannot run."""
    _check_runnable(fn)
    root = task_root(fn)
    request_id = str(uuid.uuid4())
    started_at = clock.now()
    stream = f"{started_at:%Y/%m/%d}/[{fn.version}]{uuid.uuid4().hex}"
    timeout = float(fn.timeout or 3)
    fd, result_file = tempfile.mkstemp(prefix="result-", dir=CACHE)
    os.close(fd)
    document = {
        "handler": fn.handler,
        "event": payload.decode("utf-8") if payload.strip() else "{}",
        "resultFile": result_file,
        "clockOffsetMs": int(clock.offset_seconds() * 1000),
        "context": {
            "functionName": fn.function_name,
            "functionVersion": str(fn.version),
            "invokedFunctionArn": fn.function_arn,
            "memoryLimitInMB": fn.memory_size,
            "awsRequestId": request_id,
            "logGroupName": fn.logs_group_name,
            "logStreamName": stream,
            "deadlineMs": int((time.time() + timeout) * 1000),
        },
    }
    begin = time.monotonic()
    try:
        try:
            proc = subprocess.Popen(
                [node(), str(RUNTIME)],
                cwd=root,
                env=_environment(fn, stream),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as err:
            raise AwsError(
                SERVICE, "ServiceException", f"The emulator runs functions with Node.js and cannot start it: {err}"
            ) from None
        timed_out = False
        try:
            output, _ = proc.communicate(json.dumps(document).encode("utf-8"), timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill(proc)
            output, _ = proc.communicate()
        duration_ms = (time.monotonic() - begin) * 1000
        outcome = Path(result_file).read_bytes()
    finally:
        Path(result_file).unlink(missing_ok=True)
    text = output.decode("utf-8", "replace")
    kind, _, answer = outcome.partition(b"\n")
    if timed_out:
        message = f"{clock.iso(clock.now())} {request_id} Task timed out after {timeout:.2f} seconds"
        text += message + "\n"
        result = _error(
            "Sandbox.Timedout", f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"
        )
    elif kind in (b"ok", b"error"):
        result = answer
    else:  # the process ended without an outcome
        result = _error(
            "Runtime.ExitError",
            f"RequestId: {request_id} Error: Runtime exited with error: exit status {proc.returncode}",
        )
    failed = kind != b"ok" or timed_out
    if not failed and len(result) > RESPONSE_LIMIT:
        failed = True
        result = _error(
            "Function.ResponseSizeTooLarge",
            f"Response payload size exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes).",
        )
    logs = _write_logs(fn, stream, request_id, text, duration_ms)
    _metrics(fn, failed, duration_ms)
    return Result(result, failed, logs, str(fn.version), request_id, duration_ms)


def _write_logs(fn: LambdaFunction, stream: str, request_id: str, output: str, duration_ms: float) -> str:
    lines = [f"START RequestId: {request_id} Version: {fn.version}"]
    lines += [line for line in output.split("\n") if line]
    lines.append(f"END RequestId: {request_id}")
    billed = max(1, int(-(-duration_ms // 1)))
    lines.append(
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\tBilled Duration: {billed} ms\t"
        f"Memory Size: {fn.memory_size} MB"
    )
    try:
        logs = fn.logs_backend
        logs.ensure_log_group(fn.logs_group_name)
        logs.create_log_stream(fn.logs_group_name, stream)
        at = clock.now_ms()
        logs.put_log_events(fn.logs_group_name, stream, [{"timestamp": at, "message": line} for line in lines])
    except Exception as err:  # the invocation's answer does not depend on its logs
        print(f"lambda: writing the logs of {fn.function_name} failed: {err!r}", file=sys.stderr, flush=True)
    return "\n".join(lines) + "\n"


def put_metric(
    account_id: str, region: str, namespace: str, name: str, value: float, dims: dict[str, str], unit: str
) -> None:
    """One datum in CloudWatch (moto's backend of that account and region), dated by the emulator clock."""
    from moto.cloudwatch.models import cloudwatch_backends

    cloudwatch_backends[account_id][region].put_metric_data(
        namespace,
        [
            {
                "MetricName": name,
                "Value": value,
                "Unit": unit,
                "Timestamp": clock.now().replace(tzinfo=None),
                "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
            }
        ],
    )


def _metrics(fn: LambdaFunction, failed: bool, duration_ms: float) -> None:
    dims = {"FunctionName": fn.function_name}
    put_metric(fn.account_id, fn.region, "AWS/Lambda", "Invocations", 1, dims, "Count")
    put_metric(fn.account_id, fn.region, "AWS/Lambda", "Errors", 1 if failed else 0, dims, "Count")
    put_metric(fn.account_id, fn.region, "AWS/Lambda", "Duration", round(duration_ms, 2), dims, "Milliseconds")


# --------------------------------------------------------------------------- asynchronous invocation

async_invocations = control.Tracker()
_async_queue: queue.Queue[tuple[int, LambdaFunction, bytes]] = queue.Queue()
_workers: list[threading.Thread] = []
_workers_lock = threading.Lock()


def _max_retries(fn: LambdaFunction) -> int:
    for config in getattr(fn, "event_invoke_config", []) or []:
        value = (getattr(config, "config", None) or {}).get("MaximumRetryAttempts")
        if value is not None:
            return int(value)
    return 2


def run_async(fn: LambdaFunction, payload: bytes) -> bool:
    """Runs ``payload`` with the asynchronous invocation's retries (in the calling thread);
    whether a run succeeded. A function that cannot run at all counts as a dropped event."""
    dims = {"FunctionName": fn.function_name}
    put_metric(fn.account_id, fn.region, "AWS/Lambda", "AsyncEventsReceived", 1, dims, "Count")
    delay = RETRY_DELAY
    for attempt in range(_max_retries(fn) + 1):
        if attempt:
            time.sleep(delay)
            delay *= 2
        try:
            if not run(fn, payload).error:
                return True
        except AwsError as err:
            print(f"lambda: {fn.function_name} cannot run: {err.message}", file=sys.stderr, flush=True)
            break
    put_metric(fn.account_id, fn.region, "AWS/Lambda", "AsyncEventsDropped", 1, dims, "Count")
    return False


def _worker() -> None:
    while True:
        generation, fn, payload = _async_queue.get()
        if generation != control.generation():  # queued before a reset
            async_invocations.drop()
            continue
        ok = False
        try:
            ok = run_async(fn, payload)
        except Exception as err:
            print(f"lambda: asynchronous invocation failed: {err!r}", file=sys.stderr, flush=True)
        finally:
            async_invocations.finish(ok)


def enqueue(fn: LambdaFunction, payload: bytes) -> None:
    """Queues an asynchronous invocation (what ``InvocationType: Event`` and EventBridge do)."""
    with _workers_lock:
        while len(_workers) < ASYNC_WORKERS:
            thread = threading.Thread(target=_worker, name=f"lambda-async-{len(_workers)}", daemon=True)
            thread.start()
            _workers.append(thread)
    async_invocations.add()
    _async_queue.put((control.generation(), fn, payload))


@control.route("GET", "lambda/async-invocations")
def _async_status(query: dict[str, str], body: Any) -> tuple[int, Any]:
    return async_invocations.status(query)


# --------------------------------------------------------------------------- resource policy


def find_function(arn: str) -> LambdaFunction | None:
    """The function (or version) an ARN names, in the ARN's account and region; None if unknown."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[2] != "lambda":
        return None
    try:
        qualifier = parts[7] if len(parts) > 7 else None
        return get_backend(parts[4], parts[3]).get_function(parts[6], qualifier)
    except Exception:
        return None


def _arn_like(pattern: str, value: str) -> bool:
    """IAM ``ArnLike``: each of the six colon-separated parts matches, ``*`` and ``?`` as wildcards."""
    expected, actual = pattern.split(":", 5), value.split(":", 5)
    if len(expected) != len(actual):
        return False
    return all(_like(e, a) for e, a in zip(expected, actual))


def _like(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


_NEGATED = ("stringnotequals", "stringnotlike", "arnnotequals", "arnnotlike")
_OPERATORS = {
    "stringequals": lambda e, a: e == a,
    "stringlike": _like,
    "arnequals": lambda e, a: e == a,
    "arnlike": _arn_like,
}


def source_conditions_hold(conditions: dict[str, Any], context: dict[str, str]) -> bool:
    """The conditions that scope a service principal (AddPermission's, a service role's trust):
    ``aws:SourceArn``, ``aws:SourceAccount`` with String*/Arn* operators; ``context`` keys lowercase."""
    for operator, entries in conditions.items():
        op = operator.lower()
        negated = op.replace("not", "", 1) if op in _NEGATED else None
        check = _OPERATORS.get(negated or op)
        if check is None:
            return False  # an operator this check does not know: the statement does not apply
        for key, expected in entries.items():
            actual = context.get(key.lower())
            values = expected if isinstance(expected, list) else [expected]
            if actual is None:
                if not negated:
                    return False
                continue
            matched = any(check(str(v), actual) for v in values)
            if matched == bool(negated):
                return False
    return True


def _principal_is(principal: Any, service: str, region: str) -> bool:
    if principal == "*":
        return True
    names = {f"{service}.amazonaws.com", f"{service}.{region}.amazonaws.com"}
    if isinstance(principal, dict):
        if principal.get("AWS") == "*":
            return True
        listed = principal.get("Service", [])
        listed = listed if isinstance(listed, list) else [listed]
        return any(name in names for name in listed)
    return False


def _action_allows(action: Any) -> bool:
    actions = action if isinstance(action, list) else [action]
    return any(_like(str(a).lower(), "lambda:invokefunction") for a in actions)


def service_may_invoke(fn: LambdaFunction, service: str, source_arn: str, source_account: str) -> bool:
    """Whether the function's resource policy lets ``<service>.amazonaws.com`` invoke it for this
    source (an Allow statement with the principal, ``lambda:InvokeFunction`` and matching
    ``aws:SourceArn`` / ``aws:SourceAccount`` conditions, and no such Deny)."""
    context = {"aws:sourcearn": source_arn, "aws:sourceaccount": source_account}
    allowed = False
    for statement in list(fn.policy.statements):
        if not _principal_is(statement.get("Principal"), service, fn.region):
            continue
        if not _action_allows(statement.get("Action")):
            continue
        if not source_conditions_hold(statement.get("Condition") or {}, context):
            continue
        if statement.get("Effect", "Allow") == "Deny":
            return False
        allowed = True
    return allowed


# --------------------------------------------------------------------------- moto patches


@patch(LambdaFunction, "invoke")
def _function_invoke(self: LambdaFunction, body: Any, request_headers: Any, response_headers: Any) -> bytes:
    """moto's own triggers (SNS, SQS, streams, S3) call this: run the code, no Docker."""
    data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
    try:
        result = run(self, data)
    except AwsError as err:  # the trigger's own call (e.g. SNS Publish) does not fail with it
        print(f"lambda: {self.function_name} cannot run: {err.message}", file=sys.stderr, flush=True)
        response_headers["x-amz-function-error"] = "Unhandled"
        return _error(err.error_type, err.message)
    if result.error:
        response_headers["x-amz-function-error"] = "Unhandled"
    return result.payload


def _check_size(raw: bytes, limit: int, operation: str) -> None:
    if len(raw) > limit:
        raise AwsError(
            SERVICE, "RequestTooLargeException", f"Request must be smaller than {limit} bytes for the {operation} operation"
        )


@patch(LambdaResponse)
def invoke(self: LambdaResponse) -> tuple[int, dict[str, str], bytes | str]:
    function_name = unquote(self.path.rsplit("/", 2)[-2])
    qualifier = (self.querystring.get("Qualifier") or [None])[0]
    fn = self.backend.get_function(function_name, qualifier)
    invocation_type = self.headers.get("X-Amz-Invocation-Type") or "RequestResponse"
    if invocation_type not in ("RequestResponse", "Event", "DryRun"):
        raise AwsError(SERVICE, "InvalidParameterValueException", f"Unsupported invocation type {invocation_type}")
    raw = self.raw_body if isinstance(self.raw_body, bytes) else str(self.raw_body or "").encode("utf-8")
    _check_size(raw, ASYNC_PAYLOAD_LIMIT if invocation_type == "Event" else SYNC_PAYLOAD_LIMIT, "Invoke")
    if raw.strip():
        try:
            json.loads(raw)
        except ValueError as err:
            raise AwsError(
                SERVICE, "InvalidRequestContentException", f"Could not parse request body into json: {err}"
            ) from None
    else:
        raw = b"{}"
    _check_runnable(fn)
    if invocation_type == "DryRun":
        return 204, {"status": "204"}, ""
    if invocation_type == "Event":
        task_root(fn)  # a bad zip is refused now, not after the 202
        enqueue(fn, raw)
        return 202, {"status": "202"}, ""
    result = run(fn, raw)
    headers = {"Content-Type": "application/json", "X-Amz-Executed-Version": result.version}
    if result.error:
        headers["X-Amz-Function-Error"] = "Unhandled"
    if self.headers.get("X-Amz-Log-Type") == "Tail":
        headers["X-Amz-Log-Result"] = base64.b64encode(result.logs.encode("utf-8")[-LOG_TAIL_BYTES:]).decode()
    return 200, headers, result.payload


@patch(LambdaResponse)
def invoke_async(self: LambdaResponse) -> tuple[int, dict[str, str], str]:
    """The deprecated InvokeAsync: queued like an ``Event`` invocation; ``{"Status": 202}``."""
    index = -3 if self.path.endswith("/") else -2
    fn = self.backend.get_function(unquote(self.path.rsplit("/", 3)[index]), None)
    _check_runnable(fn)
    raw = self.raw_body if isinstance(self.raw_body, bytes) else str(self.raw_body or "").encode("utf-8")
    _check_size(raw, INVOKE_ASYNC_PAYLOAD_LIMIT, "InvokeAsync")
    enqueue(fn, raw or b"{}")
    return 202, {"status": "202"}, json.dumps({"Status": 202})


def _reset() -> None:
    while True:
        try:
            _async_queue.get_nowait()
        except queue.Empty:
            break
        async_invocations.drop()
    async_invocations.clear_counts()


control.on_reset(_reset)
