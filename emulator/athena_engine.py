"""Client of the emulator's Athena query engine (``athena_engine.mjs``, DuckDB).

One long-lived ``node emulator/athena_engine.mjs`` child per Python process, started on the first
query (so the emulator starts as fast without it) and spoken to in JSON lines, like the IAM
evaluator (``iam_eval.py``; the process is ``node_child.NodeProcess``):

- ``plan(sql, parameters, now, catalog, database)`` binds the ExecutionParameters, parses the
  query and answers ``{"sql": <bound>, "scans": [...]}``: every base table the query reads, with
  the predicates on its columns whose constants were folded (for partition pruning);
- ``run(sql, now, catalog, database, tables)`` loads the tables' rows (NDJSON files) into a fresh
  in-memory DuckDB and answers ``{"columns": [...], "rows": [[str | None, ...]]}``.

A query error (syntax, unknown column, ...) raises ``QueryFailed`` with Athena's error type and
message; a dead or stuck child is restarted once per call, then ``RuntimeError``.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any

from node_child import HERE, NodeProcess

SCRIPT = HERE / "athena_engine.mjs"
#: Seconds to wait for one answer (loading the rows of a large scan included).
TIMEOUT = float(os.environ.get("CCB_ATHENA_ENGINE_TIMEOUT", "120"))


class QueryFailed(Exception):
    """The query is wrong: ``error_type`` is Athena's (SYNTAX_ERROR, ...), ``str()`` its message."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


_process = NodeProcess(SCRIPT, "Athena engine", TIMEOUT)


def _ask(message: dict[str, Any]) -> dict[str, Any]:
    answer = _process.ask(message)
    if "fatal" in answer:
        raise RuntimeError(f"Athena engine: bad answer {json.dumps(answer)[:2000]}")
    if "error" in answer:
        raise QueryFailed(answer["error"]["type"], answer["error"]["message"])
    return answer


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
    _process.close()


def child_pid() -> int | None:
    """Process id of the running engine, if any (for tests)."""
    return _process.child_pid()
