"""The emulator's own control surface on the main port (``/_emulator/...``) and the process-wide
facts the extensions share: the main endpoint, reset hooks and trackers of background work.

- ``route(method, path)``: registers a handler ``(query, body) -> (status, json)`` for
  ``/_emulator/<path>``; ``server.py`` (via ``install()``, run on import) answers these paths
  before moto sees them. Unknown ``/_emulator/`` paths are 404, a wrong method is 405.
- ``set_endpoint`` / ``endpoint``: the main port's URL (``http://127.0.0.1:<port>``), which the
  Lambda runner hands to functions as ``AWS_ENDPOINT_URL``.
- ``on_reset(callback)``: run after moto's ``POST /moto-api/reset`` (the clock returns to real time,
  queued background work is dropped). ``generation()`` changes on every reset, so work queued
  before a reset can tell that it is stale.
- ``middleware(fn)``: registers ``fn(environ, start_response, call_next)`` around every AWS API
  request (not the control paths), in registration order; ``call_next(environ, start_response)``
  runs the next one and finally moto. Used by request-level behaviour that is not one service's:
  rate limits (``throttle.py``) and injected faults (``faults.py``).
- ``Tracker``: a count of pending background jobs (log deliveries, asynchronous invocations) that
  tests can wait on (``GET /_emulator/logs/deliveries?wait=10``) instead of sleeping blindly.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Callable
from urllib.parse import parse_qs

from moto.moto_api._internal.models import MotoAPIBackend
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

PREFIX = "/_emulator/"
#: Longest ``wait`` a control request may ask for (seconds).
MAX_WAIT = 120.0

Handler = Callable[[dict[str, str], Any], tuple[int, Any]]

_routes: dict[str, dict[str, Handler]] = {}
Middleware = Callable[[dict[str, Any], Any, Callable[[dict[str, Any], Any], Any]], Any]
_middlewares: list[Middleware] = []
_reset_hooks: list[Callable[[], None]] = []
_state = {"endpoint": "", "generation": 0}
_lock = threading.Lock()


class ControlError(Exception):
    """A refused control request: HTTP ``status`` and ``{"message": ...}``."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def route(method: str, path: str) -> Callable[[Handler], Handler]:
    """Decorator: answer ``<method> /_emulator/<path>`` with the function."""

    def decorator(fn: Handler) -> Handler:
        _routes.setdefault(PREFIX + path.strip("/"), {})[method.upper()] = fn
        return fn

    return decorator


def middleware(fn: Middleware) -> Middleware:
    """Decorator: run ``fn(environ, start_response, call_next)`` around every AWS API request."""
    if fn not in _middlewares:
        _middlewares.append(fn)
    return fn


def _dispatch(app: Any, original_call: Callable[..., Any], environ: dict[str, Any], start_response: Any) -> Any:
    def at(index: int) -> Callable[[dict[str, Any], Any], Any]:
        if index == len(_middlewares):
            return lambda env, start: original_call(app, env, start)
        return lambda env, start: _middlewares[index](env, start, at(index + 1))

    return at(0)(environ, start_response)


def set_endpoint(url: str) -> None:
    _state["endpoint"] = url.rstrip("/")


def endpoint() -> str:
    """The main port's URL; empty until ``server.py`` has started moto."""
    return str(_state["endpoint"])


def on_reset(callback: Callable[[], None]) -> None:
    _reset_hooks.append(callback)


def generation() -> int:
    return int(_state["generation"])


def wait_seconds(query: dict[str, str]) -> float:
    """The ``wait`` query parameter (seconds, 0 when absent), bounded by ``MAX_WAIT``."""
    raw = query.get("wait")
    if raw is None:
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        raise ControlError(f"wait must be a number of seconds, got {raw!r}") from None
    if not 0 <= value <= MAX_WAIT:
        raise ControlError(f"wait must be between 0 and {MAX_WAIT:g} seconds, got {raw}")
    return value


class Tracker:
    """Counts jobs queued and finished; ``wait_idle`` blocks until none is pending."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.pending = 0
        self.done = 0
        self.failed = 0

    def add(self) -> None:
        with self._cond:
            self.pending += 1

    def finish(self, ok: bool = True) -> None:
        with self._cond:
            self.pending -= 1
            if ok:
                self.done += 1
            else:
                self.failed += 1
            self._cond.notify_all()

    def drop(self) -> None:
        """A job that was abandoned (queued before a reset): no longer pending, not counted."""
        with self._cond:
            self.pending -= 1
            self._cond.notify_all()

    def clear_counts(self) -> None:
        with self._cond:
            self.done = 0
            self.failed = 0

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.pending > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def snapshot(self) -> dict[str, int]:
        with self._cond:
            return {"pending": self.pending, "succeeded": self.done, "failed": self.failed}

    def status(self, query: dict[str, str]) -> tuple[int, dict[str, int]]:
        """The answer of a ``GET ...?wait=S`` control route: the counts once idle or after S seconds."""
        self.wait_idle(wait_seconds(query))
        return 200, self.snapshot()


def _respond(start_response: Any, status: int, body: Any) -> list[bytes]:
    data = json.dumps(body).encode("utf-8")
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}.get(status, "Error")
    start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _handle(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    path = environ.get("PATH_INFO", "").rstrip("/")
    methods = _routes.get(path)
    if methods is None:
        return _respond(start_response, 404, {"message": f"unknown control path {path}"})
    handler = methods.get(environ.get("REQUEST_METHOD", "GET").upper())
    if handler is None:
        return _respond(start_response, 405, {"message": f"{path} accepts {', '.join(sorted(methods))}"})
    query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise ControlError("the body is not JSON") from None
        status, answer = handler(query, body)
    except ControlError as err:
        return _respond(start_response, err.status, {"message": err.message})
    return _respond(start_response, status, answer)


def install() -> None:
    """Answers ``/_emulator/`` on moto's port and runs the reset hooks after moto's reset (once)."""
    if getattr(DomainDispatcherApplication.__call__, "_ccb_control", False):
        return
    original_call = DomainDispatcherApplication.__call__
    original_reset = MotoAPIBackend.reset

    def __call__(self: DomainDispatcherApplication, environ: dict[str, Any], start_response: Any) -> Any:
        if str(environ.get("PATH_INFO", "")).startswith(PREFIX):
            return _handle(environ, start_response)
        return _dispatch(self, original_call, environ, start_response)

    def reset(self: MotoAPIBackend) -> None:
        original_reset(self)
        with _lock:
            _state["generation"] = generation() + 1
        for hook in list(_reset_hooks):
            hook()

    setattr(__call__, "_ccb_control", True)
    DomainDispatcherApplication.__call__ = __call__
    MotoAPIBackend.reset = reset


install()
