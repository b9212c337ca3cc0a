"""AWS Cost Explorer's cost and usage queries, answered from the emulator's bill (billing.py):
GetCostAndUsage (replacing moto's canned answers), GetDimensionValues, GetTags.

The line items are those of the caller's account: what its Bedrock data plane calls were billed,
with the tags Cost Explorer sees (billing.visible_tags: only keys that were Active cost allocation
tags at the usage time). Line items appear as soon as the call is answered (AWS takes hours) and
there are no credits, discounts, refunds, taxes or Savings Plans, so every cost metric
(UnblendedCost, BlendedCost, AmortizedCost, NetUnblendedCost, NetAmortizedCost) is the same amount.

- TimePeriod: ``yyyy-MM-dd`` dates, Start inclusive, End exclusive (UTC days of the emulator clock);
  End at most the first day of next month. Granularity DAILY or MONTHLY (months clipped to the
  period); HOURLY is an opt-in feature the emulator's accounts have not enabled. A period that
  reaches into the current month is ``Estimated`` (its bill is not final).
- Filter: an Expression with exactly one root: And / Or (lists), Not, Dimensions (``DIMENSIONS``,
  MatchOptions EQUALS, CASE_SENSITIVE), Tags (Key, Values, MatchOptions EQUALS, ABSENT,
  CASE_SENSITIVE; Key without Values, or ABSENT, matches usage without the tag; neither Key nor
  Values: usage without any tag). Cost categories are not modelled.
- GroupBy: up to two DIMENSION (``DIMENSIONS``) or TAG definitions; a TAG group key is
  ``<key>$<value>``, ``<key>$`` for usage without that tag. Every period appears; its groups are
  those with usage, sorted by their keys. ``Total`` when not grouped, ``Groups`` when grouped.
- Paging: ``PAGE_ROWS`` rows (a group of a period, or a period when not grouped) per page; the
  token is bound to the request (RequestChangedException when the parameters change).

Cost Explorer is a JSON 1.1 protocol service (``X-Amz-Target: AWSInsightsIndexService.<Operation>``).
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Callable

from moto.ce.models import CostExplorerBackend
from moto.ce.responses import CostExplorerResponse
from moto.organizations.models import organizations_backends

import billing
import clock
from billing import LineItem
from ext_common import AwsError, json_body, ok, paginate, patch

SERVICE = "ce"
Resp = tuple[str, dict[str, Any]]

#: The dimensions the emulator models (filters, GroupBy, GetDimensionValues): a line item's value.
DIMENSIONS: dict[str, Callable[[LineItem], str]] = {
    "SERVICE": lambda item: item.service,
    "REGION": lambda item: item.region,
    "LINKED_ACCOUNT": lambda item: item.account,
    "USAGE_TYPE": lambda item: item.usage_type,
    "RECORD_TYPE": lambda item: "Usage",
    "BILLING_ENTITY": lambda item: item.billing_entity,
}
COST_METRICS = {"AmortizedCost", "BlendedCost", "NetAmortizedCost", "NetUnblendedCost", "UnblendedCost"}
METRICS = sorted(COST_METRICS | {"NormalizedUsageAmount", "UsageQuantity"})
GRANULARITIES = ["DAILY", "MONTHLY", "HOURLY"]
ROOTS = ["And", "Or", "Not", "Dimensions", "Tags", "CostCategories"]
MATCH_OPTIONS = {"Dimensions": {"EQUALS", "CASE_SENSITIVE"}, "Tags": {"EQUALS", "ABSENT", "CASE_SENSITIVE"}}
MAX_GROUP_BY = 2
PAGE_ROWS = 500
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TEN_PLACES = Decimal("1e-10")

Selected = list[tuple[LineItem, dict[str, str]]]  # line items with their visible tags


def validation(message: str) -> AwsError:
    return AwsError(SERVICE, "ValidationException", message)


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _date(text: Any) -> date:
    if isinstance(text, str) and DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise validation(f"Invalid date {text!r}: dates must be yyyy-MM-dd.")


def _time_period(value: Any) -> tuple[date, date]:
    if not isinstance(value, dict) or "Start" not in value or "End" not in value:
        raise validation("TimePeriod with Start and End is required.")
    start, end = _date(value["Start"]), _date(value["End"])
    if end <= start:
        raise validation("Start date (and hour) should be before end date (and hour)")
    if end > _month_after(clock.now().date()):
        raise validation("end date past the beginning of next month")
    return start, end


def _dimension(key: Any) -> str:
    if key not in DIMENSIONS:
        raise validation(f"Dimension {key} is not supported. Valid values are {', '.join(DIMENSIONS)}.")
    return key


# --------------------------------------------------------------------------- filters


def _root(expr: Any) -> str:
    if not isinstance(expr, dict):
        raise validation("Filter must be an Expression.")
    roots = [root for root in ROOTS if expr.get(root) is not None]
    if len(roots) != 1:
        raise validation(
            "Expression has more than one roots. Only one root operator is allowed for each expression: "
            + ", ".join(ROOTS)
            if roots
            else "Expression has no root operator: one of " + ", ".join(ROOTS)
        )
    return roots[0]


def _check(expr: Any) -> None:
    """Refuses a malformed Expression (before any line item is looked at)."""
    root = _root(expr)
    body = expr[root]
    if root in ("And", "Or"):
        if not isinstance(body, list) or not body:
            raise validation(f"{root} must be a non-empty list of Expressions.")
        for inner in body:
            _check(inner)
        return
    if root == "Not":
        _check(body)
        return
    if root == "CostCategories":
        raise validation("Cost categories are not modelled by the emulator.")
    options = body.get("MatchOptions") or []
    unknown = [o for o in options if o not in MATCH_OPTIONS[root]]
    if unknown:
        raise validation(f"MatchOptions {unknown[0]} is not supported for {root} in GetCostAndUsage.")
    values = body.get("Values")
    if values is not None and (not isinstance(values, list) or not all(isinstance(v, str) for v in values)):
        raise validation(f"{root} Values must be a list of strings.")
    if root == "Dimensions":
        _dimension(body.get("Key"))
        if not values:
            raise validation("Dimensions Values must not be empty.")
    elif body.get("Key") is None and values:
        raise validation("Tags Values need a Key.")


def _match(expr: dict[str, Any], item: LineItem, tags: dict[str, str]) -> bool:
    root = _root(expr)
    body = expr[root]
    if root == "And":
        return all(_match(inner, item, tags) for inner in body)
    if root == "Or":
        return any(_match(inner, item, tags) for inner in body)
    if root == "Not":
        return not _match(body, item, tags)
    values = body.get("Values") or []
    if root == "Dimensions":
        return DIMENSIONS[body["Key"]](item) in values
    key = body.get("Key")
    if key is None:
        return not tags
    if key in tags:
        return tags[key] in values
    return "ABSENT" in (body.get("MatchOptions") or []) or not values


def _select(backend: CostExplorerBackend, start: date, end: date, expr: Any) -> Selected:
    """The line items used from ``start`` to ``end`` (exclusive) that match the filter ``expr``."""
    if expr is not None:
        _check(expr)
    selected = []
    for item in billing.line_items(backend):
        if start <= item.at.date() < end:
            tags = billing.visible_tags(backend, item)
            if expr is None or _match(expr, item, tags):
                selected.append((item, tags))
    return selected


# --------------------------------------------------------------------------- GetCostAndUsage


def _amount(value: Decimal) -> str:
    rounded = value.quantize(TEN_PLACES)
    return "0" if rounded == 0 else format(rounded.normalize(), "f")


def _metrics(names: list[str], items: list[LineItem]) -> dict[str, dict[str, str]]:
    cost = sum((item.cost for item in items), Decimal(0))
    units = {item.unit for item in items}
    out = {}
    for name in names:
        if name in COST_METRICS:
            out[name] = {"Amount": _amount(cost), "Unit": "USD"}
        elif name == "UsageQuantity":
            quantity = sum((item.quantity for item in items), Decimal(0))
            out[name] = {"Amount": _amount(quantity), "Unit": units.pop() if len(units) == 1 else "N/A"}
        else:  # NormalizedUsageAmount: only instance usage is normalized
            out[name] = {"Amount": "0", "Unit": "N/A"}
    return out


def _periods(start: date, end: date, granularity: str) -> list[tuple[date, date]]:
    periods = []
    while start < end:
        following = start + timedelta(days=1) if granularity == "DAILY" else _month_after(start)
        periods.append((start, min(following, end)))
        start = following
    return periods


def _group_by(value: Any) -> list[tuple[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_GROUP_BY:
        raise validation(f"GroupBy accepts at most {MAX_GROUP_BY} group definitions.")
    groups = []
    for definition in value:
        kind, key = (definition or {}).get("Type"), (definition or {}).get("Key")
        if kind not in ("DIMENSION", "TAG", "COST_CATEGORY"):
            raise validation("Group Definition type is invalid.")
        if kind == "COST_CATEGORY":
            raise validation("Cost categories are not modelled by the emulator.")
        if kind == "DIMENSION" and key not in DIMENSIONS:
            raise validation(f"Group Definition dimension is invalid. Valid values are {', '.join(DIMENSIONS)}.")
        if not isinstance(key, str) or not key:
            raise validation("Group Definition key is invalid.")
        groups.append((kind, key))
    return groups


def _group_key(kind: str, key: str, item: LineItem, tags: dict[str, str]) -> str:
    return DIMENSIONS[key](item) if kind == "DIMENSION" else f"{key}${tags.get(key, '')}"


def _request_digest(self: CostExplorerResponse) -> str:
    params = {k: v for k, v in json_body(self).items() if k != "NextPageToken"}
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]


def _offset(token: Any, digest: str) -> int:
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        offset, request = int(data["offset"]), data["request"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        offset, request = -1, None
    if offset < 0:
        message = "The pagination token is invalid. Try again without a pagination token."
        raise AwsError(SERVICE, "InvalidNextTokenException", message)
    if request != digest:
        message = (
            "Your request parameters changed between pages. Try again with the old parameters or without a "
            "pagination token."
        )
        raise AwsError(SERVICE, "RequestChangedException", message)
    return offset


def _account_name(account_id: str) -> str | None:
    for backends in list(organizations_backends.values()):
        for backend in list(backends.values()):
            for account in getattr(backend, "accounts", []):
                if account.id == account_id:
                    return account.name
    return None


def _attributes(dimension: str, value: str) -> dict[str, str]:
    name = _account_name(value) if dimension == "LINKED_ACCOUNT" else None
    return {"description": name} if name else {}


@patch(CostExplorerResponse)
def get_cost_and_usage(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    granularity = self._get_param("Granularity")
    if granularity == "HOURLY":
        raise validation("Hourly granularity is not enabled for this account (an opt-in Cost Explorer setting).")
    if granularity not in GRANULARITIES:
        value = "null" if granularity is None else f"'{granularity}'"
        raise validation(
            f"1 validation error detected: Value {value} at 'granularity' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(GRANULARITIES)}]"
        )
    start, end = _time_period(self._get_param("TimePeriod"))
    names = self._get_param("Metrics")
    if not isinstance(names, list) or not names:
        raise validation("Metrics is required: at least one metric.")
    for name in names:
        if name not in METRICS:
            raise validation(f"Invalid metric {name}. Valid values are {', '.join(METRICS)}.")
    groups = _group_by(self._get_param("GroupBy"))
    digest = _request_digest(self)
    offset = _offset(self._get_param("NextPageToken"), digest)
    selected = _select(backend, start, end, self._get_param("Filter"))

    periods = _periods(start, end, granularity)
    starts = [period_start for period_start, _ in periods]
    buckets: list[dict[tuple[str, ...], list[LineItem]]] = [{} for _ in periods]
    for item, tags in selected:
        keys = tuple(_group_key(kind, key, item, tags) for kind, key in groups)
        buckets[bisect.bisect_right(starts, item.at.date()) - 1].setdefault(keys, []).append(item)
    # One row per group of a period (a period without usage, or ungrouped: one row without a group).
    rows = [(i, keys) for i, bucket in enumerate(buckets) for keys in (sorted(bucket) if groups and bucket else [None])]
    page = rows[offset : offset + PAGE_ROWS]

    open_month = clock.now().date().replace(day=1)
    results: list[dict[str, Any]] = []
    shown = -1  # the period of results[-1]
    for i, keys in page:
        if i != shown:
            shown = i
            period_start, period_end = periods[i]
            results.append(
                {
                    "TimePeriod": {"Start": period_start.isoformat(), "End": period_end.isoformat()},
                    "Total": {} if groups else _metrics(names, buckets[i].get((), [])),
                    "Groups": [],
                    "Estimated": period_end > open_month,
                }
            )
        if keys is not None:
            results[-1]["Groups"].append({"Keys": list(keys), "Metrics": _metrics(names, buckets[i][keys])})
    body: dict[str, Any] = {"ResultsByTime": results, "DimensionValueAttributes": []}
    if groups:
        body["GroupDefinitions"] = [{"Type": kind, "Key": key} for kind, key in groups]
        for n, (kind, key) in enumerate(groups):
            if kind == "DIMENSION" and key == "LINKED_ACCOUNT":
                accounts = sorted({keys[n] for _, keys in page if keys is not None})
                body["DimensionValueAttributes"] += [{"Value": a, "Attributes": _attributes(key, a)} for a in accounts]
    if offset + PAGE_ROWS < len(rows):
        body["NextPageToken"] = base64.urlsafe_b64encode(
            json.dumps({"offset": offset + PAGE_ROWS, "request": digest}).encode()
        ).decode()
    return ok(body)


# --------------------------------------------------------------------------- GetDimensionValues, GetTags


def _values_page(self: CostExplorerResponse, values: list[str], field: str) -> tuple[list[str], dict[str, Any]]:
    search = self._get_param("SearchString")
    if search:
        values = [v for v in values if search.lower() in v.lower()]
    paged = paginate(values, self._get_param("NextPageToken"), self._get_param("MaxResults"), default=1000)
    if paged is None:
        raise AwsError(SERVICE, "InvalidNextTokenException", "The pagination token is invalid.")
    page, token = paged
    body: dict[str, Any] = {field: page, "ReturnSize": len(page), "TotalSize": len(values)}
    if token:
        body["NextPageToken"] = token
    return page, body


@patch(CostExplorerResponse)
def get_dimension_values(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    start, end = _time_period(self._get_param("TimePeriod"))
    dimension = _dimension(self._get_param("Dimension"))
    context = self._get_param("Context") or "COST_AND_USAGE"
    if context != "COST_AND_USAGE":
        raise validation(f"Context {context} is not modelled by the emulator (only COST_AND_USAGE).")
    selected = _select(backend, start, end, self._get_param("Filter"))
    page, body = _values_page(self, sorted({DIMENSIONS[dimension](item) for item, _ in selected}), "DimensionValues")
    body["DimensionValues"] = [{"Value": v, "Attributes": _attributes(dimension, v)} for v in page]
    return ok(body)


@patch(CostExplorerResponse)
def get_tags(self: CostExplorerResponse) -> Resp:
    backend: CostExplorerBackend = self.ce_backend
    start, end = _time_period(self._get_param("TimePeriod"))
    key = self._get_param("TagKey")
    selected = _select(backend, start, end, self._get_param("Filter"))
    if key:
        found = {tags[key] for _, tags in selected if key in tags}
    else:
        found = {tag for _, tags in selected for tag in tags}
    return ok(_values_page(self, sorted(found), "Tags")[1])
