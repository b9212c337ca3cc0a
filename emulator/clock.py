"""The emulator's clock: real time plus an offset that tests can move.

One clock for what the emulator dates and schedules: the timestamps of the Bedrock data plane's
invocation log records, CloudWatch Logs' ingestion time and accepted-event window, the metrics the
emulator publishes, the time Lambda functions see (``Date``), and EventBridge schedules. Request
authentication (SigV4 clock skew, session expiry) stays on the host clock, which is what the
callers sign with.

Control routes (main port):

- ``GET /_emulator/clock`` → ``{"now": "2027-01-01T00:00:05.000Z", "offsetSeconds": 1.2e7}``
- ``POST /_emulator/clock`` with ``{"now": "<ISO 8601 time>"}`` (sets it), ``{"advanceSeconds": n}``
  (moves it by n seconds) or ``{"now": null}`` (back to real time); answers like ``GET``. The
  listeners (``on_change``) run before the answer, so schedules due at the new time have been
  queued when it returns.

``POST /moto-api/reset`` also puts the clock back to real time.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import control

_lock = threading.Lock()
_offset = [0.0]  # seconds added to the host clock
_listeners: list[Callable[[datetime], None]] = []


def now() -> datetime:
    """The emulator's current time (UTC, timezone-aware)."""
    return datetime.now(timezone.utc) + timedelta(seconds=_offset[0])


def now_ms() -> int:
    return int(now().timestamp() * 1000)


def offset_seconds() -> float:
    return _offset[0]


def iso(at: datetime, millis: bool = True) -> str:
    """``2027-01-01T00:00:05.000Z`` (or without milliseconds)."""
    at = at.astimezone(timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z" if millis else at.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """An ISO 8601 time with a zone (``Z`` or ``+hh:mm``); ValueError otherwise."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"{text} has no time zone (end it with Z)")
    return parsed.astimezone(timezone.utc)


def on_change(listener: Callable[[datetime], None]) -> None:
    """``listener(new_now)`` runs after every change of the clock (not at real-time ticks)."""
    _listeners.append(listener)


def set_now(at: datetime | None) -> datetime:
    """Moves the clock so that ``now()`` is ``at`` (None: back to real time); runs the listeners."""
    with _lock:
        _offset[0] = 0.0 if at is None else (at - datetime.now(timezone.utc)).total_seconds()
    current = now()
    for listener in list(_listeners):
        listener(current)
    return current


def advance(seconds: float) -> datetime:
    return set_now(now() + timedelta(seconds=seconds))


def _state() -> dict[str, Any]:
    return {"now": iso(now()), "offsetSeconds": round(offset_seconds(), 3)}


@control.route("GET", "clock")
def _get(query: dict[str, str], body: Any) -> tuple[int, Any]:
    return 200, _state()


@control.route("POST", "clock")
def _post(query: dict[str, str], body: Any) -> tuple[int, Any]:
    if not isinstance(body, dict) or len(body) != 1 or not ({"now", "advanceSeconds"} & body.keys()):
        raise control.ControlError('expected {"now": "<ISO 8601 time>" | null} or {"advanceSeconds": <number>}')
    if "advanceSeconds" in body:
        seconds = body["advanceSeconds"]
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
            raise control.ControlError(f"advanceSeconds must be a number, got {seconds!r}")
        advance(float(seconds))
        return 200, _state()
    target = body["now"]
    if target is None:
        set_now(None)
        return 200, _state()
    try:
        if not isinstance(target, str):
            raise ValueError(f"{target!r} is not a string")
        at = parse_time(target)
    except ValueError as err:
        raise control.ControlError(f"now must be an ISO 8601 time such as 2027-01-01T00:00:00Z: {err}") from None
    set_now(at)
    return 200, _state()


def _reset() -> None:
    with _lock:
        _offset[0] = 0.0


control.on_reset(_reset)
