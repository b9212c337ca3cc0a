"""Helpers shared by the emulator extensions.

Every extension patches a moto response class (the HTTP side) and a moto
backend class (the state side). State added by an extension lives on the
moto backend instance for the request's account and region (or partition for
global services), so it is created, isolated and reset exactly like moto's own
state.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
import secrets
import string
from datetime import datetime, timezone
from typing import Any, Callable

import botocore.session
from moto.core.exceptions import JsonRESTError

_session = botocore.session.get_session()


@functools.cache
def service_model(service: str) -> Any:
    return _session.get_service_model(service)


@functools.cache
def error_status(service: str, code: str) -> int:
    """HTTP status of a modelled error (e.g. 404 for Bedrock ResourceNotFoundException)."""
    try:
        shape = service_model(service).shape_for(code)
    except Exception:  # not a modelled error: AWS answers 400 for client errors
        return 400
    return int(shape.metadata.get("error", {}).get("httpStatusCode", 400))


class AwsError(JsonRESTError):
    """A JSON error whose HTTP status comes from the service's error model.

    The body carries both ``__type`` and ``message`` (and ``Message``, which
    some JSON 1.1 services use), and the ``X-Amzn-ErrorType`` header, which is
    what the AWS SDKs (Go v2 included) read to pick the error type.
    """

    def __init__(self, service: str, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = error_status(service, code)
        self.description = json.dumps({"__type": code, "message": message, "Message": message})


def patch(cls: type, name: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: install the function as ``cls.<name>`` (replacing any moto version)."""

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        setattr(cls, name or fn.__name__, fn)
        return fn

    return decorator


def extend_init(cls: type, initializer: Callable[[Any], None]) -> None:
    """Run ``initializer(self)`` after ``cls.__init__`` (idempotent per initializer)."""
    original = cls.__init__
    marker = f"_ext_init_{initializer.__module__}_{initializer.__name__}"
    if getattr(original, marker, False):
        return

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        initializer(self)

    setattr(__init__, marker, True)
    cls.__init__ = __init__


def json_body(response: Any) -> dict[str, Any]:
    """Parsed JSON body of the current request ({} when empty)."""
    body = response.body
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if not body:
        return {}
    return json.loads(body)


def query_param(response: Any, name: str) -> str | None:
    values = response.querystring.get(name)
    if isinstance(values, list):
        return values[0] if values else None
    return values


def now_iso() -> str:
    """RFC 3339 timestamp with milliseconds (restJson timestamps)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def now_epoch() -> float:
    return datetime.now(timezone.utc).timestamp()


def random_id(length: int, alphabet: str = string.ascii_lowercase + string.digits) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def full_match(pattern: str, value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(pattern, value) is not None


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_token(token: str | None) -> int | None:
    """Offset encoded in a pagination token; None when the token is malformed."""
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        offset = int(data["offset"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None
    return offset if offset >= 0 else None


def paginate(
    items: list[Any], token: str | None, max_results: int | None, default: int
) -> tuple[list[Any], str | None] | None:
    """Slice ``items``; returns None when the token is invalid."""
    offset = decode_token(token)
    if offset is None:
        return None
    size = max_results if max_results and max_results > 0 else default
    page = items[offset : offset + size]
    next_token = encode_token(offset + size) if offset + size < len(items) else None
    return page, next_token


def ok(body: Any = None, status: int = 200) -> tuple[str, dict[str, Any]]:
    """A JSON response with the given status (body {} when None)."""
    text = body if isinstance(body, str) else json.dumps({} if body is None else body)
    return text, {"status": status, "Content-Type": "application/json"}
