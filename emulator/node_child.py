"""A long-lived Node helper process per Python process, spoken to in JSON lines.

The IAM evaluator (``iam_eval.py``) and the Athena engine (``athena_engine.py``) each keep one
``NodeProcess``: ``node <script>`` started from the repository root on the first ``ask`` (``node``
is ``$NODE`` or the one on PATH), asked one JSON message per line and answering one line with the
same ``id``. Calls are serialised with a lock (moto's server is threaded). A child that died or
stopped answering is restarted once per call; ``RuntimeError`` (with the tail of the child's
stderr) is raised when that does not help. After ``fork()`` a child process never stops or uses
its parent's child. The child is stopped by ``close()`` and at interpreter exit; it also exits by
itself when its stdin closes, i.e. when this process dies.
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


def node_binary() -> str:
    node = os.environ.get("NODE") or shutil.which("node")
    if not node:
        raise RuntimeError("node not found (set $NODE or put node on PATH)")
    return node


class _Child:
    """One running ``node <script>`` process and its JSON-lines protocol."""

    def __init__(self, node: str, script: Path) -> None:
        self.proc = subprocess.Popen(
            [node, str(script)],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=40)
        self._buffer = b""
        self._drain = threading.Thread(target=self._read_stderr, name=f"{script.stem}-stderr", daemon=True)
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
                raise EOFError("the process exited")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def stop(self) -> None:
        if self.proc.stdin and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()  # the script exits when its stdin closes
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



class NodeProcess:
    """One ``node <script>`` child per Python process; ``label`` names it in errors."""

    def __init__(self, script: Path, label: str, timeout: float) -> None:
        self.script = script
        self.label = label
        self.timeout = timeout
        self.child: _Child | None = None
        self._lock = threading.Lock()
        self._owner_pid = 0
        self._next_id = 0
        atexit.register(self.close)

    def _stop(self) -> None:
        if self.child is not None:
            child, self.child = self.child, None
            if self._owner_pid == os.getpid():  # never stop the child of a parent process after fork()
                child.stop()

    def ask(self, message: dict[str, Any]) -> dict[str, Any]:
        """The answer to ``message`` (sent with a fresh ``id``, which the answer must carry)."""
        with self._lock:
            if self.child is not None and self._owner_pid != os.getpid():
                self._stop()
            failure = ""
            for _ in range(2):
                if self.child is None or not self.child.alive():
                    self._stop()
                    try:
                        node = node_binary()
                        self.child, self._owner_pid = _Child(node, self.script), os.getpid()
                    except (OSError, RuntimeError) as err:
                        raise RuntimeError(f"{self.label}: cannot start node: {err}") from err
                child = self.child
                self._next_id += 1
                message_id = self._next_id
                try:
                    answer = child.ask({**message, "id": message_id}, self.timeout)
                except (OSError, EOFError, TimeoutError, ValueError) as err:
                    failure = f"{type(err).__name__}: {err}; {child.describe()}"
                    self._stop()
                    continue
                if answer.get("id") != message_id:
                    raise RuntimeError(f"{self.label}: bad answer {json.dumps(answer)[:2000]}")
                return answer
            raise RuntimeError(f"{self.label} failed twice (node {self.script.name}): {failure}")

    def close(self) -> None:
        """Stops the child (the next ``ask`` starts a new one)."""
        with self._lock:
            self._stop()

    def child_pid(self) -> int | None:
        """Process id of the running child, if any (for tests)."""
        with self._lock:
            return self.child.proc.pid if self.child is not None and self.child.alive() else None
