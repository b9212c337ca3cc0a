"""Client of the IAM policy evaluator (``iam_evaluator.mjs``, @cloud-copilot/iam-simulate).

``evaluate(requests)`` sends a batch of authorization requests to one long-lived
``node emulator/iam_evaluator.mjs`` child per Python process (started on
first use, from the repository root) and returns one result per request::

    {"decision": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | "Error",
     "deniedBy": "identity" | "scp" | "boundary" | "resource" | None,
     "statements": ["Sid", ...], "error": "..."}   # error only for "Error"

The request shape is documented in README.md ("IAM policy evaluation"). The
process (serialised calls, one restart per call, ``close()``, stopped at exit) is
``node_child.NodeProcess``, shared with the Athena engine.
"""

from __future__ import annotations

import json
import os
from typing import Any

from node_child import HERE, NodeProcess, node_binary

__all__ = ["SCRIPT", "TIMEOUT", "child_pid", "close", "evaluate", "node_binary"]

SCRIPT = HERE / "iam_evaluator.mjs"
#: Seconds to wait for the answer to one batch (the first one includes Node's start-up).
TIMEOUT = float(os.environ.get("CCB_IAM_EVAL_TIMEOUT", "30"))

_process = NodeProcess(SCRIPT, "IAM evaluator", TIMEOUT)


def evaluate(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evaluates authorization requests; one result per request, in order."""
    if not isinstance(requests, list):
        raise TypeError("requests must be a list")
    if not requests:
        return []
    answer = _process.ask({"requests": requests})
    if "error" in answer:
        raise RuntimeError(f"IAM evaluator: bad answer {json.dumps(answer)[:500]}")
    results = answer.get("results")
    if not isinstance(results, list) or len(results) != len(requests):
        raise RuntimeError(f"IAM evaluator: {len(requests)} requests, answer {json.dumps(answer)[:500]}")
    return results


def close() -> None:
    """Stops the evaluator process (the next ``evaluate`` starts a new one)."""
    _process.close()


def child_pid() -> int | None:
    """Process id of the running evaluator, if any (for tests)."""
    return _process.child_pid()
