"""Client of the IAM policy evaluator (``iam_evaluator.mjs``, @cloud-copilot/iam-simulate).

``evaluate(requests)`` sends a batch of authorization requests to one long-lived
``node emulator/iam_evaluator.mjs`` child per Python process (started on
first use, from the repository root) and returns one result per request::

    {"decision": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | "Error",
     "deniedBy": "identity" | "scp" | "boundary" | "resource" | None,
     "statements": ["Sid", ...], "error": "..."}   # error only for "Error"

The request shape is documented in README.md ("IAM policy evaluation"). Calls
are serialised with a lock (moto's server is threaded). A child that died or
stopped answering is restarted once per call; ``RuntimeError`` (with the tail of
the child's stderr) is raised when that does not help. The child is stopped by
``close()`` and at interpreter exit; it also exits by itself when its stdin
closes, i.e. when this process dies. ``node`` is ``$NODE`` or the one on PATH.
"""

from __future__ import annotations

import atexit
import collections
import json
import os
import select
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
SCRIPT = HERE / "iam_evaluator.mjs"
#: Seconds to wait for the answer to one batch (the first one includes Node's start-up).
TIMEOUT = float(os.environ.get("CCB_IAM_EVAL_TIMEOUT", "30"))


class _Child:
    """One running evaluator process and its line protocol (also athena_engine.py's, with its script)."""

    def __init__(self, node: str, script: Path = SCRIPT) -> None:
        self.proc = subprocess.Popen(
            [node, str(script)],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=40)
        self._buffer = b""
        self._drain = threading.Thread(target=self._read_stderr, name="iam-eval-stderr", daemon=True)
        self._drain.start()

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in iter(self.proc.stderr.readline, b""):
            self.stderr_tail.append(line.decode("utf-8", "replace").rstrip())

    def alive(self) -> bool:
        return self.proc.poll() is None

    def ask(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
        self.proc.stdin.flush()
        return json.loads(self._read_line(timeout))

    def _read_line(self, timeout: float) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no answer within {timeout:g} s")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError("the evaluator exited")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def stop(self) -> None:
        if self.proc.stdin and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()  # the evaluator exits when stdin closes
            except OSError:
                pass
        try:
            self.proc.wait(2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self._drain.join(1)
        if self.proc.stderr:
            self.proc.stderr.close()

    def describe(self) -> str:
        try:
            code: int | None = self.proc.wait(0.5)  # stdout closes just before the exit is seen
        except subprocess.TimeoutExpired:
            code = None
        if code is not None:
            self._drain.join(1)  # let the drain thread collect the last stderr lines
        state = "running" if code is None else f"exit code {code}"
        tail = "\n".join(self.stderr_tail) or "(no stderr)"
        return f"{state}; stderr:\n{tail}"


_lock = threading.Lock()
_child: _Child | None = None
_owner_pid = 0
_next_id = 0


def node_binary() -> str:
    node = os.environ.get("NODE") or shutil.which("node")
    if not node:
        raise RuntimeError("IAM evaluator: node not found (set $NODE or put node on PATH)")
    return node


def _start() -> _Child:
    global _child, _owner_pid
    _child = _Child(node_binary())
    _owner_pid = os.getpid()
    return _child


def _stop() -> None:
    global _child
    if _child is not None:
        child, _child = _child, None
        if _owner_pid == os.getpid():  # never stop the child of a parent process after fork()
            child.stop()


def evaluate(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evaluates authorization requests; one result per request, in order."""
    global _next_id
    if not isinstance(requests, list):
        raise TypeError("requests must be a list")
    if not requests:
        return []
    with _lock:
        if _child is not None and _owner_pid != os.getpid():
            _stop()
        failure = ""
        for _ in range(2):
            child = _child if _child is not None and _child.alive() else None
            if child is None:
                _stop()
                try:
                    child = _start()
                except OSError as err:
                    raise RuntimeError(f"IAM evaluator: cannot start node: {err}") from err
            _next_id += 1
            message_id = _next_id
            try:
                answer = child.ask({"id": message_id, "requests": requests}, TIMEOUT)
            except (OSError, EOFError, TimeoutError, ValueError) as err:
                failure = f"{type(err).__name__}: {err}; {child.describe()}"
                _stop()
                continue
            if answer.get("id") != message_id or "error" in answer:
                raise RuntimeError(f"IAM evaluator: bad answer {json.dumps(answer)[:500]}")
            results = answer.get("results")
            if not isinstance(results, list) or len(results) != len(requests):
                raise RuntimeError(f"IAM evaluator: {len(requests)} requests, answer {json.dumps(answer)[:500]}")
            return results
        raise RuntimeError(f"IAM evaluator failed twice (node {SCRIPT.name}): {failure}")


def close() -> None:
    """Stops the evaluator process (the next ``evaluate`` starts a new one)."""
    with _lock:
        _stop()


def child_pid() -> int | None:
    """Process id of the running evaluator, if any (for tests)."""
    with _lock:
        return _child.proc.pid if _child is not None and _child.alive() else None


atexit.register(close)
