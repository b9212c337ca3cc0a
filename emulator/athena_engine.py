"""Client of the emulator's Athena query engine (``athena_engine.mjs``, DuckDB).

One long-lived ``node emulator/athena_engine.mjs`` child per Python process, started on the first
query (so the emulator starts as fast without it) and spoken to in JSON lines, like the IAM
evaluator (``iam_eval.py``, whose process wrapper it shares):

- ``plan(sql, parameters, now, catalog, database)`` binds the ExecutionParameters, parses the
  query and answers ``{"sql": <bound>, "scans": [...]}``: every base table the query reads, with
  the predicates on its columns whose constants were folded (for partition pruning);
- ``run(sql, now, catalog, database, tables)`` loads the tables' rows (NDJSON files) into a fresh
  in-memory DuckDB and answers ``{"columns": [...], "rows": [[str | None, ...]]}``.

A query error (syntax, unknown column, ...) raises ``QueryFailed`` with Athena's error type and
message; a dead or stuck child is restarted once per call, then ``RuntimeError``.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from datetime import datetime
from typing import Any

from iam_eval import HERE, _Child, node_binary

SCRIPT = HERE / "athena_engine.mjs"
#: Seconds to wait for one answer (loading the rows of a large scan included).
TIMEOUT = float(os.environ.get("CCB_ATHENA_ENGINE_TIMEOUT", "120"))


class QueryFailed(Exception):
    """The query is wrong: ``error_type`` is Athena's (SYNTAX_ERROR, ...), ``str()`` its message."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


_lock = threading.Lock()
_child: _Child | None = None
_owner_pid = 0
_next_id = 0


def _stop() -> None:
    global _child
    if _child is not None:
        child, _child = _child, None
        if _owner_pid == os.getpid():  # never stop the child of a parent process after fork()
            child.stop()


def _ask(message: dict[str, Any]) -> dict[str, Any]:
    global _child, _owner_pid, _next_id
    with _lock:
        if _child is not None and _owner_pid != os.getpid():
            _stop()
        failure = ""
        for _ in range(2):
            if _child is None or not _child.alive():
                _stop()
                try:
                    _child, _owner_pid = _Child(node_binary(), SCRIPT), os.getpid()
                except OSError as err:
                    raise RuntimeError(f"Athena engine: cannot start node: {err}") from err
            child = _child
            _next_id += 1
            try:
                answer = child.ask({**message, "id": _next_id}, TIMEOUT)
            except (OSError, EOFError, TimeoutError, ValueError) as err:
                failure = f"{type(err).__name__}: {err}; {child.describe()}"
                _stop()
                continue
            if answer.get("id") != _next_id or "fatal" in answer:
                raise RuntimeError(f"Athena engine: bad answer {json.dumps(answer)[:2000]}")
            if "error" in answer:
                raise QueryFailed(answer["error"]["type"], answer["error"]["message"])
            return answer
        raise RuntimeError(f"Athena engine failed twice (node {SCRIPT.name}): {failure}")


def _now(now: datetime) -> str:
    return now.isoformat().replace("+00:00", "Z")


def plan(sql: str, parameters: list[str] | None, now: datetime, catalog: str, database: str) -> dict[str, Any]:
    """The bound query and its scans (see the module docstring)."""
    return _ask(
        {"op": "plan", "sql": sql, "parameters": parameters, "now": _now(now), "catalog": catalog, "database": database}
    )


def run(sql: str, now: datetime, catalog: str, database: str, tables: list[dict[str, Any]]) -> dict[str, Any]:
    """Columns and rows of the bound query over ``tables`` ({database, table, columns, file})."""
    return _ask(
        {"op": "run", "sql": sql, "now": _now(now), "catalog": catalog, "database": database, "tables": tables}
    )


def close() -> None:
    """Stops the engine process (the next query starts a new one)."""
    with _lock:
        _stop()


def child_pid() -> int | None:
    """Process id of the running engine, if any (for tests)."""
    with _lock:
        return _child.proc.pid if _child is not None and _child.alive() else None


atexit.register(close)
