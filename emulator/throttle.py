"""Optional request-rate limits on the main port, answering throttling errors as AWS does.

Off by default; ``server.py --rate-limits`` starts with them on, ``PUT /_emulator/rate-limits``
switches them at run time. Every operation in ``rate_limits.TABLE`` gets a token bucket per
account and Region (operations with a shared quota share one): the bucket holds ``burst`` tokens,
refills at ``rate`` per second, and a request that finds it empty is answered, before moto sees it,
with the throttling error of its service (``throttling_error``) exactly as that service's protocol
puts it on the wire (``operation.error_reply``), so the AWS SDKs retry it with backoff. Buckets
refill on the emulator clock (``clock.py``), so moving the clock refills them.

Control routes (main port):

- ``GET /_emulator/rate-limits`` → ``{"enabled", "scale", "overrides", "limits": [...], "counters":
  {"bedrock:CreateInferenceProfile": {"allowed", "throttled"}, ...}}``: the table with the
  effective rate and burst of each row, and what was allowed and throttled since the last reset.
- ``PUT /_emulator/rate-limits`` with ``{"enabled": bool, "scale": number > 0, "overrides":
  {"<service>:<Operation>": {"rate": number > 0, "burst": integer >= 1}}}`` (every field optional;
  ``overrides`` replaces the previous ones; an override of an operation with a shared quota sets
  that quota). A bad body is ``400 {"message"}`` naming every problem. Changing the limits empties
  the buckets' history (each starts full).

``POST /moto-api/reset`` returns to the start configuration (on with ``--rate-limits``, else off;
scale 1, no overrides) and zeroes the counters.

The module also answers calls moto does not implement (its ``NotImplementedError``, which Flask
turns into a 500 that the AWS SDKs retry for minutes) with ``501 NotImplemented`` in the service's
protocol, which no SDK retries, so a missing emulator feature fails a Terraform run at once.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable

from moto.core.responses import BaseResponse

import clock
import control
import operation
import rate_limits
from ext_common import service_model
from rate_limits import Limit

#: Throttling error shapes, in order of preference, when the service models one.
THROTTLING_SHAPES = ("ThrottlingException", "ThrottledException", "TooManyRequestsException")
#: The throttling error of services that model none, by protocol: IAM and STS answer
#: ``Throttling`` / ``Rate exceeded`` with 400, S3 ``SlowDown`` with 503.
UNMODELLED_THROTTLING = {"query": ("Throttling", 400), "rest-xml": ("SlowDown", 503)}
MESSAGE = "Rate exceeded"

_lock = threading.Lock()
_defaults = {"enabled": False}
_config: dict[str, Any] = {"enabled": False, "scale": 1.0, "overrides": {}}
_buckets: dict[tuple[str, str, str], list[float]] = {}  # (account, region, bucket) -> [tokens, at]
_counters: dict[str, dict[str, int]] = {}


@functools.cache
def throttling_error(service: str) -> tuple[str, int]:
    """``(code, HTTP status)`` of the service's throttling error, from its botocore model."""
    model = service_model(service)
    for name in THROTTLING_SHAPES:
        if name in model.shape_names:
            error = model.shape_for(name).metadata.get("error") or {}
            return str(error.get("code", name)), int(error.get("httpStatusCode", 400))
    protocol = model.metadata.get("protocol", "json")
    return UNMODELLED_THROTTLING.get(protocol, ("ThrottlingException", 400))


def effective(limit: Limit) -> tuple[float, int]:
    """``(rate, burst)`` of a row after the overrides (of any row in its bucket) and the scale."""
    overrides: dict[str, dict[str, float]] = _config["overrides"]
    rate, burst = limit.rate, limit.burst
    for key, override in overrides.items():
        other = rate_limits.BY_KEY[key]
        if other.bucket_key == limit.bucket_key:
            rate, burst = float(override.get("rate", rate)), int(override.get("burst", burst))
    return rate * float(_config["scale"]), burst


def take(limit: Limit, account: str, region: str) -> bool:
    """Takes a token from the row's bucket for the account and Region; False when it is empty."""
    rate, burst = effective(limit)
    now = clock.now().timestamp()
    with _lock:
        bucket = _buckets.setdefault((account, region, limit.bucket_key), [float(burst), now])
        elapsed = max(0.0, now - bucket[1])  # the emulator clock may be moved back
        bucket[0] = min(float(burst), bucket[0] + elapsed * rate)
        bucket[1] = now
        allowed = bucket[0] >= 1.0
        if allowed:
            bucket[0] -= 1.0
        counts = _counters.setdefault(limit.key, {"allowed": 0, "throttled": 0})
        counts["allowed" if allowed else "throttled"] += 1
    return allowed


@control.middleware
def _limit(environ: dict[str, Any], start_response: Any, call_next: Callable[..., Any]) -> Any:
    if not _config["enabled"]:
        return call_next(environ, start_response)
    op = operation.resolve(environ)
    limit = rate_limits.BY_KEY.get(f"{op.signing_name}:{op.name}") if op else None
    if op is None or limit is None or take(limit, operation.account_of(environ), op.region):
        return call_next(environ, start_response)
    code, status = throttling_error(op.service)
    return operation.error_reply(op, status, code, MESSAGE).send(start_response)


def _validate(body: Any) -> dict[str, Any]:
    """The new configuration a PUT asks for; ControlError listing every problem."""
    if not isinstance(body, dict):
        raise control.ControlError("the body must be a JSON object")
    problems = [f"unknown field {name!r}" for name in sorted(set(body) - {"enabled", "scale", "overrides"})]
    config = {key: _config[key] for key in ("enabled", "scale", "overrides")}
    if "enabled" in body:
        if isinstance(body["enabled"], bool):
            config["enabled"] = body["enabled"]
        else:
            problems.append(f"enabled must be true or false, got {body['enabled']!r}")
    if "scale" in body:
        if _positive(body["scale"]):
            config["scale"] = float(body["scale"])
        else:
            problems.append(f"scale must be a number greater than 0, got {body['scale']!r}")
    if "overrides" in body:
        overrides = body["overrides"]
        if isinstance(overrides, dict):
            problems += _override_problems(overrides)
            config["overrides"] = overrides
        else:
            problems.append("overrides must be an object of '<service>:<Operation>': {rate, burst}")
    if problems:
        raise control.ControlError("; ".join(problems))
    return config


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _override_problems(overrides: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for key, override in overrides.items():
        if key not in rate_limits.BY_KEY:
            problems.append(f"overrides: {key!r} is not in the table (GET /_emulator/rate-limits lists it)")
            continue
        if not isinstance(override, dict) or not override:
            problems.append(f"overrides: {key} must be an object with rate and/or burst")
            continue
        unknown = sorted(set(override) - {"rate", "burst"})
        problems += [f"overrides: {key} has unknown field {name!r}" for name in unknown]
        if "rate" in override and not _positive(override["rate"]):
            problems.append(f"overrides: {key} rate must be a number greater than 0, got {override['rate']!r}")
        burst = override.get("burst", 1)
        if not (isinstance(burst, int) and not isinstance(burst, bool) and burst >= 1):
            problems.append(f"overrides: {key} burst must be an integer of at least 1, got {burst!r}")
    shared: dict[str, list[str]] = {}
    for key in overrides:
        if key in rate_limits.BY_KEY and rate_limits.BY_KEY[key].bucket:
            shared.setdefault(str(rate_limits.BY_KEY[key].bucket), []).append(key)
    for bucket, keys in shared.items():
        if len(keys) > 1 and len({repr(overrides[k]) for k in keys}) > 1:
            problems.append(f"overrides: {', '.join(keys)} share the {bucket} quota but differ")
    return problems


def _state() -> dict[str, Any]:
    with _lock:
        counters = {key: dict(counts) for key, counts in sorted(_counters.items())}
    limits = []
    for limit in rate_limits.TABLE:
        rate, burst = effective(limit)
        limits.append(
            {
                "service": limit.service,
                "operation": limit.operation,
                "rate": rate,
                "burst": burst,
                "defaultRate": limit.rate,
                "defaultBurst": limit.burst,
                "bucket": limit.bucket_key,
                "source": limit.source,
                "quota": limit.quota,
                "assumption": limit.assumption,
            }
        )
    return {
        "enabled": _config["enabled"],
        "scale": _config["scale"],
        "overrides": _config["overrides"],
        "limits": limits,
        "counters": counters,
    }


@control.route("GET", "rate-limits")
def _get(query: dict[str, str], body: Any) -> tuple[int, Any]:
    return 200, _state()


@control.route("PUT", "rate-limits")
def _put(query: dict[str, str], body: Any) -> tuple[int, Any]:
    config = _validate(body)
    with _lock:
        _config.update(config)
        _buckets.clear()
    return 200, _state()


def _reset() -> None:
    with _lock:
        _config.update({"enabled": _defaults["enabled"], "scale": 1.0, "overrides": {}})
        _buckets.clear()
        _counters.clear()


def start(enabled: bool) -> None:
    """The server's start configuration (``--rate-limits``), which a reset returns to."""
    with _lock:
        _defaults["enabled"] = enabled
    _reset()


control.on_reset(_reset)


def _install_not_implemented() -> None:
    """Answers moto's ``NotImplementedError`` with a non-retryable ``501 NotImplemented``."""
    if getattr(BaseResponse.call_action, "_ccb_not_implemented", False):
        return
    original = BaseResponse.call_action

    def call_action(self: BaseResponse) -> Any:
        try:
            return original(self)
        except NotImplementedError as error:
            environ = getattr(getattr(self, "request", None), "environ", None)
            op = (operation.resolve(environ) if isinstance(environ, dict) else None) or operation.Operation(
                self.service_name or "", self.service_name or "", self._get_action(), self.region
            )
            message = f"The emulator does not implement {op.service} {op.name} ({error})"
            reply = operation.error_reply(op, 501, "NotImplemented", message)
            return reply.status, dict(reply.headers), reply.body.decode()

    setattr(call_action, "_ccb_not_implemented", True)
    BaseResponse.call_action = call_action


_install_not_implemented()
