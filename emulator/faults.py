"""Injected faults on the main port: the answer of a chosen AWS API call held back after the
emulator performed the call, so the caller sees a hung request. That is exactly what an interrupted
``terraform apply`` meets when a create succeeded in AWS but its answer never reached Terraform;
tests interrupt Terraform while the request hangs and check that the next run converges.

Control routes (main port):

- ``POST /_emulator/faults`` with ``{"operation": "logs:CreateLogGroup", "mode": "hold-after",
  "count": 2}``: from now on, the first ``count`` (default 1) calls of the operation that succeed
  (2xx) are performed and their answers held. ``operation`` is ``<signing name>:<Operation>`` as
  ``operation.operation_of`` names it (``iam:CreateRole``, ``bedrock:CreateInferenceProfile``,
  ``sso:CreatePermissionSet``); ``mode`` is ``hold-after`` (the only mode). A failed call is
  answered at once and does not count. Answers ``{"fault": {...}}``. A bad body is
  ``400 {"message"}`` naming every problem.
- ``GET /_emulator/faults?wait=S&held=N``: ``{"held": <requests held now>, "faults": [{"id",
  "operation", "mode", "count", "taken", "held"}]}`` (``taken``: requests the fault has held so far,
  ``held``: of those, the ones still waiting), once at least ``N`` (default 1) requests are held or
  after ``S`` seconds (default 0: at once).
- ``DELETE /_emulator/faults``: releases every held request (its connection gets the real answer,
  or nothing if the client has gone) and removes the faults; answers ``{"released": n}``.

``POST /moto-api/reset`` does the same as the DELETE.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import control
import operation
from ext_common import service_model

MODES = ("hold-after",)
FIELDS = {"operation", "mode", "count"}


@dataclass
class Fault:
    """One injected fault: which successful calls it holds, and the ones it holds now."""

    id: int
    operation: str
    mode: str
    count: int
    taken: int = 0
    waiting: list[threading.Event] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "operation": self.operation,
            "mode": self.mode,
            "count": self.count,
            "taken": self.taken,
            "held": len(self.waiting),
        }


_cond = threading.Condition()
_faults: list[Fault] = []
_ids = itertools.count(1)


def _held() -> int:
    return sum(len(f.waiting) for f in _faults)


def _open_fault(key: str) -> Fault | None:
    """The first fault on the operation that can still hold a request (caller holds ``_cond``)."""
    return next((f for f in _faults if f.operation == key and f.taken < f.count), None)


@control.middleware
def _inject(environ: dict[str, Any], start_response: Any, call_next: Callable[..., Any]) -> Any:
    if not _faults:
        return call_next(environ, start_response)
    op = operation.operation_of(environ)
    key = f"{op[0]}:{op[1]}" if op else ""
    with _cond:
        if _open_fault(key) is None:
            return call_next(environ, start_response)
    answer: dict[str, Any] = {"chunks": []}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        answer.update(status=status, headers=headers)
        return answer["chunks"].append

    body = call_next(environ, capture)
    try:
        answer["chunks"].extend(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    released = threading.Event()
    with _cond:
        fault = _open_fault(key) if str(answer.get("status", "")).startswith("2") else None
        if fault is not None:
            fault.taken += 1
            fault.waiting.append(released)
            _cond.notify_all()
    if fault is not None:
        released.wait()
    start_response(answer["status"], answer["headers"])
    return answer["chunks"]


def _known(key: str) -> bool:
    """Whether ``<signing name>:<Operation>`` names an operation of a service with that signing name."""
    signing_name, _, name = key.partition(":")
    for service in operation.SERVICES_BY_SIGNING_NAME.get(signing_name, (signing_name,)):
        try:
            if name in service_model(service).operation_names:
                return True
        except Exception:  # not a botocore service
            continue
    return False


def _validate(body: Any) -> Fault:
    """The fault a POST asks for; ControlError listing every problem."""
    if not isinstance(body, dict):
        raise control.ControlError("the body must be a JSON object")
    problems = [f"unknown field {name!r}" for name in sorted(set(body) - FIELDS)]
    key = body.get("operation")
    if not isinstance(key, str) or ":" not in key:
        problems.append(f"operation must be '<signing name>:<Operation>' (e.g. logs:CreateLogGroup), got {key!r}")
    elif not _known(key):
        problems.append(f"operation {key!r} is not an operation of a service signed as {key.partition(':')[0]!r}")
    mode = body.get("mode")
    if mode not in MODES:
        problems.append(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    count = body.get("count", 1)
    if not (isinstance(count, int) and not isinstance(count, bool) and count >= 1):
        problems.append(f"count must be an integer of at least 1, got {count!r}")
    if problems:
        raise control.ControlError("; ".join(problems))
    return Fault(id=next(_ids), operation=str(key), mode=str(mode), count=int(count))


def _wait_query(query: dict[str, str]) -> tuple[float, int]:
    """``(wait seconds, held)`` of a GET; ControlError listing every problem."""
    problems = []
    try:
        wait = control.wait_seconds(query)
    except control.ControlError as error:
        problems.append(error.message)
        wait = 0.0
    raw = query.get("held", "1")
    if not raw.isdigit() or int(raw) < 1:
        problems.append(f"held must be an integer of at least 1, got {raw!r}")
    if problems:
        raise control.ControlError("; ".join(problems))
    return wait, int(raw)


@control.route("POST", "faults")
def _post(query: dict[str, str], body: Any) -> tuple[int, Any]:
    fault = _validate(body)
    with _cond:
        _faults.append(fault)
        return 200, {"fault": fault.as_json()}


@control.route("GET", "faults")
def _get(query: dict[str, str], body: Any) -> tuple[int, Any]:
    wait, wanted = _wait_query(query)
    deadline = time.monotonic() + wait
    with _cond:
        while _held() < wanted and (left := deadline - time.monotonic()) > 0:
            _cond.wait(left)
        return 200, {"held": _held(), "faults": [f.as_json() for f in _faults]}


def release_all() -> int:
    """Releases every held request and removes the faults; how many requests were released."""
    with _cond:
        waiting = [event for fault in _faults for event in fault.waiting]
        _faults.clear()
        _cond.notify_all()
    for event in waiting:
        event.set()
    return len(waiting)


@control.route("DELETE", "faults")
def _delete(query: dict[str, str], body: Any) -> tuple[int, Any]:
    return 200, {"released": release_all()}


def _reset() -> None:
    release_all()


control.on_reset(_reset)
