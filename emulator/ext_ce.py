"""AWS Cost Explorer extensions for moto 5.2.1.

Adds cost anomaly monitors and subscriptions (Create/Get/Update/Delete), their
tags (through moto's existing Tag/Untag/ListTagsForResource, which now reject
unknown ARNs with ResourceNotFoundException), and cost allocation tags
(UpdateCostAllocationTagsStatus, ListCostAllocationTags).

Cost Explorer is a JSON 1.1 protocol service (``X-Amz-Target:
AWSInsightsIndexService.<Operation>``); moto dispatches each target to the
snake_case method of ``CostExplorerResponse``. State lives on moto's
per-account, per-partition ``CostExplorerBackend``.

Cost allocation tags: AWS lists a user-defined tag key only after it has
appeared in billing data. A tag key becomes known when a billed line item
carries it (billing.py) or when it is first updated with
UpdateCostAllocationTagsStatus; activation is dated by the emulator clock and
applies to usage from then on (billing.tag_status_changed). GetCostAndUsage and
the other cost queries are in ext_ce_usage.py.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from typing import Any

from moto.ce.models import CostExplorerBackend
from moto.ce.responses import CostExplorerResponse

import billing
import clock
from ext_common import AwsError, decode_token, encode_token, extend_init, ok, patch

SERVICE = "ce"
Resp = tuple[str, dict[str, Any]]

MONITOR_TYPES = {"DIMENSIONAL", "CUSTOM"}
MONITOR_DIMENSIONS = {"SERVICE", "LINKED_ACCOUNT", "TAG", "COST_CATEGORY"}
FREQUENCIES = {"DAILY", "IMMEDIATE", "WEEKLY"}
SUBSCRIBER_TYPES = {"EMAIL", "SNS"}
EMAIL = re.compile(r"[a-zA-Z0-9.!#$%&'*+=?^_`{|}~-]+@[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)+")
SNS_ARN = re.compile(r"arn:(aws[a-zA-Z-]*):sns:[a-zA-Z0-9-]+:[0-9]{12}:[a-zA-Z0-9_-]+(\.fifo)?")
MAX_MONITORS = 500
MAX_TAG_STATUS_UPDATES = 20
MAX_RESOURCE_TAGS = 200


def error(code: str, message: str) -> AwsError:
    return AwsError(SERVICE, code, message)


def validation(message: str) -> AwsError:
    # Cost Explorer reports malformed input as ValidationException (not in its model's error list).
    return AwsError(SERVICE, "ValidationException", message)


def _init_state(self: CostExplorerBackend) -> None:
    self.anomaly_monitors = {}  # arn -> dict
    self.anomaly_subscriptions = {}  # arn -> dict
    self.cost_allocation_tags = {}  # key -> dict


extend_init(CostExplorerBackend, _init_state)


def _today() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def _arn(backend: CostExplorerBackend, kind: str) -> str:
    # CostExplorerBackend is keyed by partition: region_name is "aws", "aws-cn", ...
    return f"arn:{backend.region_name}:ce::{backend.account_id}:{kind}/{uuid.uuid4()}"


def _validate_resource_tags(tags: Any) -> list[dict[str, str]]:
    if tags is None:
        return []
    if not isinstance(tags, list) or len(tags) > MAX_RESOURCE_TAGS:
        raise validation("ResourceTags must be a list of at most 200 tags.")
    for tag in tags:
        key, value = tag.get("Key"), tag.get("Value")
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or key.startswith("aws:"):
            raise validation(f"Invalid tag key: {key}")
        if not isinstance(value, str) or len(value) > 256:
            raise validation(f"Invalid tag value: {value}")
    return tags


def _page(self: CostExplorerResponse, items: list[Any], token_param: str, default: int) -> tuple[list[Any], str | None]:
    offset = decode_token(self._get_param(token_param))
    if offset is None:
        raise error("InvalidNextTokenException", "The pagination token is invalid.")
    size = self._get_param("MaxResults") or default
    page = items[offset : offset + size]
    return page, encode_token(offset + size) if offset + size < len(items) else None


# --------------------------------------------------------------------------- monitors


def _monitor(backend: CostExplorerBackend, arn: Any) -> dict[str, Any]:
    monitor = backend.anomaly_monitors.get(arn)
    if monitor is None:
        raise error("UnknownMonitorException", f"Cost anomaly monitor {arn} does not exist.")
    return monitor


@patch(CostExplorerResponse)
def create_anomaly_monitor(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    spec = self._get_param("AnomalyMonitor")
    if not isinstance(spec, dict):
        raise validation("AnomalyMonitor is required.")
    name, kind = spec.get("MonitorName"), spec.get("MonitorType")
    if not isinstance(name, str) or not name or len(name) > 1024:
        raise validation(f"Invalid MonitorName: {name}")
    if kind not in MONITOR_TYPES:
        raise validation(f"Invalid MonitorType: {kind}")
    dimension = spec.get("MonitorDimension")
    specification = spec.get("MonitorSpecification")
    if kind == "DIMENSIONAL":
        if dimension not in MONITOR_DIMENSIONS:
            raise validation("MonitorDimension is required for DIMENSIONAL monitors.")
        if specification:
            raise validation("MonitorSpecification is not allowed for DIMENSIONAL monitors.")
    else:
        if dimension:
            raise validation("MonitorDimension is not allowed for CUSTOM monitors.")
        if not specification:
            raise validation("MonitorSpecification is required for CUSTOM monitors.")
    tags = _validate_resource_tags(self._get_param("ResourceTags"))
    if len(backend.anomaly_monitors) >= MAX_MONITORS:
        raise error("LimitExceededException", "You have reached the limit of cost anomaly monitors.")
    arn = _arn(backend, "anomalymonitor")
    monitor: dict[str, Any] = {
        "MonitorArn": arn,
        "MonitorName": name,
        "CreationDate": _today(),
        "LastUpdatedDate": _today(),
        "MonitorType": kind,
        "DimensionalValueCount": 0,
    }
    if dimension:
        monitor["MonitorDimension"] = dimension
    if specification:
        monitor["MonitorSpecification"] = specification
    backend.anomaly_monitors[arn] = monitor
    if tags:
        backend.tag_resource(arn, tags)
    return ok({"MonitorArn": arn})


@patch(CostExplorerResponse)
def get_anomaly_monitors(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    arns = self._get_param("MonitorArnList") or []
    if arns:
        monitors = [_monitor(backend, arn) for arn in arns]
    else:
        monitors = list(backend.anomaly_monitors.values())
    page, token = _page(self, monitors, "NextPageToken", default=100)
    body: dict[str, Any] = {"AnomalyMonitors": page}
    if token:
        body["NextPageToken"] = token
    return ok(body)


@patch(CostExplorerResponse)
def update_anomaly_monitor(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    arn = self._get_param("MonitorArn")
    monitor = _monitor(backend, arn)
    name = self._get_param("MonitorName")
    if name is not None:
        if not isinstance(name, str) or not name or len(name) > 1024:
            raise validation(f"Invalid MonitorName: {name}")
        monitor["MonitorName"] = name
    monitor["LastUpdatedDate"] = _today()
    return ok({"MonitorArn": arn})


@patch(CostExplorerResponse)
def delete_anomaly_monitor(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    arn = self._get_param("MonitorArn")
    _monitor(backend, arn)
    del backend.anomaly_monitors[arn]
    backend.tagger.delete_all_tags_for_resource(arn)
    for subscription in backend.anomaly_subscriptions.values():
        if arn in subscription["MonitorArnList"]:
            subscription["MonitorArnList"] = [a for a in subscription["MonitorArnList"] if a != arn]
    return ok({})


# --------------------------------------------------------------------------- subscriptions


def _subscription(backend: CostExplorerBackend, arn: Any) -> dict[str, Any]:
    subscription = backend.anomaly_subscriptions.get(arn)
    if subscription is None:
        raise error("UnknownSubscriptionException", f"Cost anomaly subscription {arn} does not exist.")
    return subscription


def _validate_subscribers(subscribers: Any, frequency: str) -> list[dict[str, str]]:
    if not isinstance(subscribers, list) or not subscribers:
        raise validation("Subscribers must contain at least one subscriber.")
    result = []
    for subscriber in subscribers:
        kind, address = subscriber.get("Type"), subscriber.get("Address")
        if kind not in SUBSCRIBER_TYPES:
            raise validation(f"Invalid subscriber Type: {kind}")
        pattern = EMAIL if kind == "EMAIL" else SNS_ARN
        if not isinstance(address, str) or not 6 <= len(address) <= 302 or not pattern.fullmatch(address):
            raise validation(f"Invalid subscriber Address: {address}")
        entry = {"Address": address, "Type": kind}
        if subscriber.get("Status"):
            entry["Status"] = subscriber["Status"]
        result.append(entry)
    kinds = {s["Type"] for s in result}
    if frequency == "IMMEDIATE" and kinds != {"SNS"}:
        raise validation("IMMEDIATE subscriptions support only SNS subscribers.")
    if frequency in ("DAILY", "WEEKLY") and "SNS" in kinds:
        raise validation(f"{frequency} subscriptions support only EMAIL subscribers.")
    return result


def _validate_threshold(subscription: dict[str, Any]) -> None:
    threshold = subscription.get("Threshold")
    if threshold is not None and (not isinstance(threshold, (int, float)) or threshold < 0):
        raise validation(f"Invalid Threshold: {threshold}")
    if threshold is None and not subscription.get("ThresholdExpression"):
        raise validation("Either Threshold or ThresholdExpression must be provided.")


@patch(CostExplorerResponse)
def create_anomaly_subscription(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    spec = self._get_param("AnomalySubscription")
    if not isinstance(spec, dict):
        raise validation("AnomalySubscription is required.")
    name, frequency = spec.get("SubscriptionName"), spec.get("Frequency")
    if not isinstance(name, str) or not name or len(name) > 1024:
        raise validation(f"Invalid SubscriptionName: {name}")
    if frequency not in FREQUENCIES:
        raise validation(f"Invalid Frequency: {frequency}")
    monitors = spec.get("MonitorArnList")
    if not isinstance(monitors, list) or not monitors:
        raise validation("MonitorArnList must contain at least one monitor ARN.")
    for arn in monitors:
        _monitor(backend, arn)
    subscribers = _validate_subscribers(spec.get("Subscribers"), frequency)
    _validate_threshold(spec)
    tags = _validate_resource_tags(self._get_param("ResourceTags"))
    arn = _arn(backend, "anomalysubscription")
    subscription: dict[str, Any] = {
        "SubscriptionArn": arn,
        "AccountId": backend.account_id,
        "MonitorArnList": list(monitors),
        "Subscribers": subscribers,
        "Frequency": frequency,
        "SubscriptionName": name,
    }
    if spec.get("Threshold") is not None:
        subscription["Threshold"] = float(spec["Threshold"])
    if spec.get("ThresholdExpression"):
        subscription["ThresholdExpression"] = spec["ThresholdExpression"]
    backend.anomaly_subscriptions[arn] = subscription
    if tags:
        backend.tag_resource(arn, tags)
    return ok({"SubscriptionArn": arn})


@patch(CostExplorerResponse)
def get_anomaly_subscriptions(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    arns = self._get_param("SubscriptionArnList") or []
    monitor_arn = self._get_param("MonitorArn")
    if arns:
        subscriptions = [_subscription(backend, arn) for arn in arns]
    else:
        subscriptions = list(backend.anomaly_subscriptions.values())
    if monitor_arn:
        subscriptions = [s for s in subscriptions if monitor_arn in s["MonitorArnList"]]
    page, token = _page(self, subscriptions, "NextPageToken", default=100)
    body: dict[str, Any] = {"AnomalySubscriptions": page}
    if token:
        body["NextPageToken"] = token
    return ok(body)


@patch(CostExplorerResponse)
def update_anomaly_subscription(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    arn = self._get_param("SubscriptionArn")
    current = _subscription(backend, arn)
    updated = dict(current)
    for key in ("SubscriptionName", "Frequency", "MonitorArnList", "Subscribers", "Threshold", "ThresholdExpression"):
        value = self._get_param(key)
        if value is not None:
            updated[key] = value
    if updated["Frequency"] not in FREQUENCIES:
        raise validation(f"Invalid Frequency: {updated['Frequency']}")
    if not updated["MonitorArnList"]:
        raise validation("MonitorArnList must contain at least one monitor ARN.")
    for monitor_arn in updated["MonitorArnList"]:
        _monitor(backend, monitor_arn)
    updated["Subscribers"] = _validate_subscribers(updated["Subscribers"], updated["Frequency"])
    _validate_threshold(updated)
    if updated.get("Threshold") is not None:
        updated["Threshold"] = float(updated["Threshold"])
    backend.anomaly_subscriptions[arn] = updated
    return ok({"SubscriptionArn": arn})


@patch(CostExplorerResponse)
def delete_anomaly_subscription(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    arn = self._get_param("SubscriptionArn")
    _subscription(backend, arn)
    del backend.anomaly_subscriptions[arn]
    backend.tagger.delete_all_tags_for_resource(arn)
    return ok({})


# --------------------------------------------------------------------------- resource tags


def _taggable(backend: CostExplorerBackend, arn: Any) -> str:
    if not isinstance(arn, str) or not arn:
        raise validation("ResourceArn is required.")
    known = set(backend.anomaly_monitors) | set(backend.anomaly_subscriptions) | set(backend.cost_categories)
    if arn not in known:
        raise error("ResourceNotFoundException", f"Resource {arn} does not exist.")
    return arn


@patch(CostExplorerResponse)
def list_tags_for_resource(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    arn = _taggable(backend, self._get_param("ResourceArn"))
    return ok({"ResourceTags": backend.list_tags_for_resource(arn)})


@patch(CostExplorerResponse)
def tag_resource(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    arn = _taggable(backend, self._get_param("ResourceArn"))
    tags = _validate_resource_tags(self._get_param("ResourceTags"))
    existing = {t["Key"] for t in backend.list_tags_for_resource(arn)}
    if len(existing | {t["Key"] for t in tags}) > MAX_RESOURCE_TAGS:
        raise error("TooManyTagsException", f"A resource can have at most {MAX_RESOURCE_TAGS} tags.")
    backend.tag_resource(arn, tags)
    return ok({})


@patch(CostExplorerResponse)
def untag_resource(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    arn = _taggable(backend, self._get_param("ResourceArn"))
    keys = self._get_param("ResourceTagKeys")
    if not isinstance(keys, list):
        raise validation("ResourceTagKeys is required.")
    backend.untag_resource(arn, keys)
    return ok({})


# --------------------------------------------------------------------------- cost allocation tags


@patch(CostExplorerResponse)
def update_cost_allocation_tags_status(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    updates = self._get_param("CostAllocationTagsStatus")
    if not isinstance(updates, list) or not 1 <= len(updates) <= MAX_TAG_STATUS_UPDATES:
        raise validation(f"CostAllocationTagsStatus must contain between 1 and {MAX_TAG_STATUS_UPDATES} entries.")
    errors = []
    at = clock.now()
    stamp = clock.iso(at, millis=False)
    for update in updates:
        key, status = update.get("TagKey"), update.get("Status")
        if status not in ("Active", "Inactive"):
            raise validation(f"Invalid Status: {status}")
        if not isinstance(key, str) or not key or len(key) > 1024:
            errors.append({"TagKey": key, "Code": "InvalidTagKey", "Message": "The tag key is not valid."})
            continue
        tag = backend.cost_allocation_tags.get(key)
        if tag is None:
            tag = {"TagKey": key, "Type": "AWSGenerated" if key.startswith("aws:") else "UserDefined"}
            backend.cost_allocation_tags[key] = tag
        tag["Status"] = status
        tag["LastUpdatedDate"] = stamp
        tag.setdefault("LastUsedDate", stamp)
        billing.tag_status_changed(backend, key, status, at)
    return ok({"Errors": errors})


@patch(CostExplorerResponse)
def list_cost_allocation_tags(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    status = self._get_param("Status")
    keys = self._get_param("TagKeys")
    kind = self._get_param("Type")
    max_results = self._get_param("MaxResults")
    if status is not None and status not in ("Active", "Inactive"):
        raise validation(f"Invalid Status: {status}")
    if kind is not None and kind not in ("AWSGenerated", "UserDefined"):
        raise validation(f"Invalid Type: {kind}")
    if max_results is not None and not 1 <= max_results <= 1000:
        raise validation("MaxResults must be between 1 and 1000.")
    tags = sorted(backend.cost_allocation_tags.values(), key=lambda t: t["TagKey"])
    if status:
        tags = [t for t in tags if t["Status"] == status]
    if keys:
        tags = [t for t in tags if t["TagKey"] in keys]
    if kind:
        tags = [t for t in tags if t["Type"] == kind]
    page, token = _page(self, tags, "NextToken", default=100)
    body: dict[str, Any] = {"CostAllocationTags": page}
    if token:
        body["NextToken"] = token
    return ok(body)
