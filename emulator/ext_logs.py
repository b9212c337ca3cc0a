"""CloudWatch Logs extensions for moto 5.2.1: Logs Insights query definitions, subscription
delivery to Lambda, the emulator clock.

- PutQueryDefinition (create, or update by ``queryDefinitionId``), DescribeQueryDefinitions
  (name-prefix filter, pagination) and DeleteQueryDefinition (ResourceNotFoundException for unknown
  ids).
- Subscription filters with a Lambda destination deliver for real. Every event that reaches a log
  group goes through moto's ``LogStream.put_log_events`` (``PutLogEvents``, the Bedrock data
  plane's invocation records, Lambda's own logs), which calls ``_send_log_events`` once per
  subscription filter; that is replaced here: the filter pattern is applied (``filter_pattern.py``;
  moto ignored it) and, for Lambda, the matching events are queued for a background worker per log
  group (order kept) that invokes the function asynchronously (``ext_lambda.run_async``: retries,
  metrics) with the real payload ``{"awslogs": {"data": base64(gzip(json))}}`` (``DATA_MESSAGE``,
  ``owner``, ``logGroup``, ``logStream``, ``subscriptionFilters``, ``logEvents`` ``[{id,
  timestamp, message}]``). A delivery the function's resource policy refuses (or to a deleted
  function) counts in ``AWS/Logs`` ``DeliveryErrors``; accepted ones in ``ForwardedLogEvents`` /
  ``ForwardedBytes`` (dimensions ``LogGroupName``, ``DestinationType``, ``FilterName``).
  ``GET /_emulator/logs/deliveries?wait=S`` reports (and waits for) the queue.
- PutSubscriptionFilter checks the pattern (InvalidParameterException) and, for a Lambda
  destination, that the function's resource policy lets ``logs.amazonaws.com`` invoke it for this
  log group, as AWS does (moto only checked that the function exists).
- CloudWatch Logs runs on the emulator clock (``clock.py``): ingestion times and the window of
  accepted event timestamps (14 days back, 2 hours ahead).

CloudWatch Logs is a JSON 1.1 protocol service (``X-Amz-Target:
Logs_20140328.<Operation>``); moto dispatches each target to the snake_case
method of ``LogsResponse``. State lives on moto's per-account, per-region
``LogsBackend``.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import base64
import collections
import gzip
import json
import sys
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import moto.logs.models as logs_models
from moto.core.utils import unix_time_millis
from moto.logs.models import LogsBackend, LogStream
from moto.logs.responses import LogsResponse

import clock
import control
import ext_lambda
from ext_common import AwsError, decode_token, encode_token, extend_init, ok, patch
from filter_pattern import Pattern, compile_pattern

SERVICE = "logs"
Resp = tuple[str, dict[str, Any]]
MAX_QUERY_DEFINITIONS = 1000


def invalid(message: str) -> AwsError:
    return AwsError(SERVICE, "InvalidParameterException", message)


def _init_state(self: LogsBackend) -> None:
    self.query_definitions = {}  # id -> dict


extend_init(LogsBackend, _init_state)


@patch(LogsResponse)
def put_query_definition(self: LogsResponse) -> Resp:
    backend: LogsBackend = self.logs_backend
    name = self._get_param("name")
    query_string = self._get_param("queryString")
    definition_id = self._get_param("queryDefinitionId")
    language = self._get_param("queryLanguage") or "CWLI"
    if not isinstance(name, str) or not 1 <= len(name) <= 255:
        raise invalid("name must be between 1 and 255 characters.")
    if not isinstance(query_string, str) or not 1 <= len(query_string) <= 10000:
        raise invalid("queryString must be between 1 and 10000 characters.")
    if language not in ("CWLI", "SQL", "PPL"):
        raise invalid(f"Invalid queryLanguage: {language}")
    if definition_id is not None:
        if definition_id not in backend.query_definitions:
            raise AwsError(SERVICE, "ResourceNotFoundException", f"Query definition {definition_id} does not exist.")
    else:
        if len(backend.query_definitions) >= MAX_QUERY_DEFINITIONS:
            raise AwsError(SERVICE, "LimitExceededException", "Too many query definitions.")
        definition_id = str(uuid.uuid4())
    definition: dict[str, Any] = {
        "queryLanguage": language,
        "queryDefinitionId": definition_id,
        "name": name,
        "queryString": query_string,
        "lastModified": clock.now_ms(),
    }
    log_groups = self._get_param("logGroupNames")
    if log_groups:
        definition["logGroupNames"] = list(log_groups)
    parameters = self._get_param("parameters")
    if parameters:
        definition["parameters"] = parameters
    backend.query_definitions[definition_id] = definition
    return ok({"queryDefinitionId": definition_id})


@patch(LogsResponse)
def describe_query_definitions(self: LogsResponse) -> Resp:
    backend: LogsBackend = self.logs_backend
    prefix = self._get_param("queryDefinitionNamePrefix")
    language = self._get_param("queryLanguage")
    max_results = self._get_param("maxResults") or 1000
    if not 1 <= int(max_results) <= 1000:
        raise invalid("maxResults must be between 1 and 1000.")
    definitions = sorted(backend.query_definitions.values(), key=lambda d: (d["name"], d["queryDefinitionId"]))
    if prefix:
        definitions = [d for d in definitions if d["name"].startswith(prefix)]
    if language:
        definitions = [d for d in definitions if d["queryLanguage"] == language]
    offset = decode_token(self._get_param("nextToken"))
    if offset is None:
        raise invalid("The nextToken is invalid.")
    page = definitions[offset : offset + int(max_results)]
    body: dict[str, Any] = {"queryDefinitions": page}
    if offset + int(max_results) < len(definitions):
        body["nextToken"] = encode_token(offset + int(max_results))
    return ok(body)


@patch(LogsResponse)
def delete_query_definition(self: LogsResponse) -> Resp:
    backend: LogsBackend = self.logs_backend
    definition_id = self._get_param("queryDefinitionId")
    if definition_id not in backend.query_definitions:
        raise AwsError(SERVICE, "ResourceNotFoundException", f"Query definition {definition_id} does not exist.")
    del backend.query_definitions[definition_id]
    return ok({"success": True})


# --------------------------------------------------------------------------- the emulator clock

# moto's logs module calls these two by their imported names (moto.core.utils'); replacing them there
# moves CloudWatch Logs, and only it, to the emulator clock.
setattr(logs_models, "utcnow", lambda: clock.now().replace(tzinfo=None))
setattr(
    logs_models,
    "unix_time_millis",
    lambda dt=None: unix_time_millis(dt if dt is not None else clock.now().replace(tzinfo=None)),
)


# --------------------------------------------------------------------------- subscription delivery

LAMBDA_PERMISSION_MESSAGE = (
    "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute "
    "your function."
)


def source_arn(partition: str, region: str, account_id: str, group_name: str) -> str:
    """The ``aws:SourceArn`` CloudWatch Logs invokes a subscription's function with."""
    return f"arn:{partition}:logs:{region}:{account_id}:log-group:{group_name}:*"


def _compiled(pattern: str) -> Pattern:
    compiled = _patterns.get(pattern)
    if compiled is None:
        compiled = _patterns[pattern] = compile_pattern(pattern)
    return compiled


_patterns: dict[str, Pattern] = {}
_original_put_subscription_filter = LogsBackend.put_subscription_filter
_original_send = LogStream._send_log_events


@patch(LogsBackend)
def put_subscription_filter(
    self: LogsBackend, log_group_name: str, filter_name: str, filter_pattern: str, destination_arn: str, role_arn: str
) -> None:
    try:
        _compiled(filter_pattern or "")
    except ValueError as err:
        raise invalid(str(err)) from None
    group = self.groups.get(log_group_name)
    if group is not None and destination_arn.split(":")[2:3] == ["lambda"]:
        fn = ext_lambda.find_function(destination_arn)
        partition = destination_arn.split(":")[1]
        source = source_arn(partition, self.region_name, self.account_id, log_group_name)
        if (
            fn is None
            or fn.account_id != self.account_id
            or not ext_lambda.service_may_invoke(fn, "logs", source, self.account_id)
        ):
            raise invalid(LAMBDA_PERMISSION_MESSAGE)
    _original_put_subscription_filter(self, log_group_name, filter_name, filter_pattern, destination_arn, role_arn)


@dataclass
class Delivery:
    generation: int
    account_id: str
    region: str
    partition: str
    group: str
    stream: str
    filter_name: str
    destination_arn: str
    events: list[dict[str, Any]]

    @property
    def dimensions(self) -> dict[str, str]:
        return {"LogGroupName": self.group, "DestinationType": "Lambda", "FilterName": self.filter_name}

    def compressed(self) -> bytes:
        """The gzip of the DATA_MESSAGE (what ``awslogs.data`` holds, base64-encoded)."""
        message = {
            "messageType": "DATA_MESSAGE",
            "owner": self.account_id,
            "logGroup": self.group,
            "logStream": self.stream,
            "subscriptionFilters": [self.filter_name],
            "logEvents": self.events,
        }
        return gzip.compress(json.dumps(message, separators=(",", ":")).encode("utf-8"))

    def payload(self, compressed: bytes) -> bytes:
        return json.dumps({"awslogs": {"data": base64.b64encode(compressed).decode("ascii")}}).encode("utf-8")


deliveries = control.Tracker()
_queues: dict[tuple[str, str, str], collections.deque[Delivery]] = {}
_queues_lock = threading.Lock()


def _event_id(event: dict[str, Any]) -> str:
    """A 56-digit event id, as AWS's (moto numbers events 0, 1, ...)."""
    return f"{int(event['timestamp']):026d}{int(event['id']):030d}"


@patch(LogStream, "_send_log_events")
def _send_log_events(
    self: LogStream, service: str, destination_arn: str, filter_name: str, log_events: list[dict[str, Any]]
) -> None:
    """moto calls this once per subscription filter for the events of one put."""
    subscription = self.log_group.subscription_filters.get(filter_name)
    pattern = _compiled((subscription.filter_pattern or "") if subscription else "")
    matched = [
        {"id": _event_id(e), "timestamp": e["timestamp"], "message": e["message"]}
        for e in log_events
        if pattern.matches(e["message"])
    ]
    if not matched:
        return
    if service != "lambda":
        _original_send(self, service, destination_arn, filter_name, matched)
        return
    partition = destination_arn.split(":")[1]
    delivery = Delivery(
        control.generation(),
        self.account_id,
        self.region,
        partition,
        self.log_group.name,
        self.log_stream_name,
        filter_name,
        destination_arn,
        matched,
    )
    key = (delivery.account_id, delivery.region, delivery.group)
    deliveries.add()
    with _queues_lock:
        pending = _queues.get(key)
        if pending is not None:
            pending.append(delivery)
            return
        _queues[key] = collections.deque([delivery])
    threading.Thread(target=_drain, args=(key,), name=f"logs-delivery {delivery.group}", daemon=True).start()


def _drain(key: tuple[str, str, str]) -> None:
    """Delivers one log group's queue in order; the thread ends when the queue is empty."""
    while True:
        with _queues_lock:
            pending = _queues.get(key)
            if not pending:
                _queues.pop(key, None)
                return
            delivery = pending.popleft()
        if delivery.generation != control.generation():  # queued before a reset
            deliveries.drop()
            continue
        ok = False
        try:
            ok = _deliver(delivery)
        except Exception as err:
            print(f"logs: delivery to {delivery.destination_arn} failed: {err!r}", file=sys.stderr, flush=True)
        finally:
            deliveries.finish(ok)


def _metric(delivery: Delivery, name: str, value: float, unit: str) -> None:
    ext_lambda.put_metric(delivery.account_id, delivery.region, "AWS/Logs", name, value, delivery.dimensions, unit)


def _deliver(delivery: Delivery) -> bool:
    fn = ext_lambda.find_function(delivery.destination_arn)
    source = source_arn(delivery.partition, delivery.region, delivery.account_id, delivery.group)
    if fn is None or not ext_lambda.service_may_invoke(fn, "logs", source, delivery.account_id):
        print(
            f"logs: {delivery.destination_arn} refused the delivery from {delivery.group} (deleted, or no permission)",
            file=sys.stderr,
            flush=True,
        )
        _metric(delivery, "DeliveryErrors", len(delivery.events), "Count")
        return False
    compressed = delivery.compressed()
    _metric(delivery, "ForwardedLogEvents", len(delivery.events), "Count")
    _metric(delivery, "ForwardedBytes", len(compressed), "Bytes")
    return ext_lambda.run_async(fn, delivery.payload(compressed))


@control.route("GET", "logs/deliveries")
def _deliveries_status(query: dict[str, str], body: Any) -> tuple[int, Any]:
    return deliveries.status(query)


def _reset() -> None:
    with _queues_lock:
        dropped = sum(len(q) for q in _queues.values())
        for pending in _queues.values():
            pending.clear()
    for _ in range(dropped):
        deliveries.drop()
    deliveries.clear_counts()


control.on_reset(_reset)
