"""The emulator's bill: what the Bedrock data plane charges, as AWS billing records it.

Every answered model call of the data plane (``ext_bedrock_runtime.Call.log``: ``InvokeModel``,
``InvokeModelWithResponseStream``, ``Converse``, ``ConverseStream``) adds one line item per kind of
token it used (``record``): the usage time on the emulator clock, account, region, the Cost
Explorer ``SERVICE``, the usage type, the tokens, the cost from the emulator's own list prices
(``PRICES``), and the tags of the application inference profile the call went through, as they
were at call time (none for a system profile or a foundation model). Cost Explorer's queries
(``ext_ce_usage.py``) read the line items of the caller's account. They live on moto's
per-account ``CostExplorerBackend``, so ``POST /moto-api/reset`` empties the bill.

``PRICES`` plays the role of AWS's price list, so it is deliberately independent of the kit's own
price configuration: USD per million tokens, on-demand, standard tier, from the Anthropic section
of https://aws.amazon.com/bedrock/pricing/ and the AWS Price List offer
``AmazonBedrockFoundationModels`` (read 2026-12). These are the global cross-Region inference
prices; models released from Claude Sonnet 4.5 on cost 10 % more through a geographic (``us.``,
``eu.``, ...) profile or in-Region (the price list's ``..._InputTokenCount-Units`` $3.30 against
``..._InputTokenCount_Global-Units`` $3.00 for Claude Sonnet 4.5). Anthropic models are billed as
AWS Marketplace products: ``SERVICE`` is "<model name> (Amazon Bedrock Edition)" (the names Cost
Explorer shows, e.g. "Claude Sonnet 4.5 (Amazon Bedrock Edition)"), the billing entity "AWS
Marketplace", usage types ``USE1-MP:USE1_InputTokenCount[_Global]-Units`` (one unit = one million
tokens). Other models (``CCB_EMULATOR_EXTRA_MODELS``) are "Amazon Bedrock" and unpriced (0 USD).

Cost allocation tags (``ext_ce.py`` activates them): a tag of a line item is visible to Cost
Explorer only if its key was Active at the line item's usage time (``visible_tags``); activation is
not retroactive. A tag key seen in a line item becomes known to ``ListCostAllocationTags``
(Inactive) as AWS lists keys that appeared in billing data.

``GET /_emulator/billing/line-items[?account=<id>]``: ``{"lineItems": [...]}``, oldest first.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from moto.ce.models import CostExplorerBackend, ce_backends

import clock
import control
from ext_common import extend_init

MILLION = Decimal(1_000_000)
REGIONAL_PREMIUM = Decimal("1.1")
BEDROCK = "Amazon Bedrock"
MARKETPLACE = "AWS Marketplace"
UNIT = "Units"  # the price list's unit of Marketplace token usage types: one million tokens


@dataclass(frozen=True)
class Price:
    """A model's list prices, USD per million tokens (global cross-Region inference, or the only
    price); ``premium``: geographic and in-Region inference cost ``REGIONAL_PREMIUM`` times more."""

    name: str  # the model's name in AWS's price list and bill
    input: Decimal
    output: Decimal
    cache_read: Decimal
    cache_write: Decimal
    premium: bool = False


def _price(name: str, rates: str, premium: bool = False) -> Price:
    inp, out, read, write = (Decimal(r) for r in rates.split())
    return Price(name, inp, out, read, write, premium)


#: Foundation model id -> list prices "input output cache-read cache-write" (5-minute cache writes).
PRICES: dict[str, Price] = {
    "anthropic.claude-3-haiku-20240307-v1:0": _price("Claude 3 Haiku", "0.25 1.25 0.03 0.30"),
    "anthropic.claude-3-5-haiku-20241022-v1:0": _price("Claude 3.5 Haiku", "0.80 4.00 0.08 1.00"),
    "anthropic.claude-3-5-sonnet-20240620-v1:0": _price("Claude 3.5 Sonnet", "3.00 15.00 0.30 3.75"),
    "anthropic.claude-3-5-sonnet-20241022-v2:0": _price("Claude 3.5 Sonnet v2", "3.00 15.00 0.30 3.75"),
    "anthropic.claude-3-7-sonnet-20250219-v1:0": _price("Claude 3.7 Sonnet", "3.00 15.00 0.30 3.75"),
    "anthropic.claude-sonnet-4-20250514-v1:0": _price("Claude Sonnet 4", "3.00 15.00 0.30 3.75"),
    "anthropic.claude-opus-4-20250514-v1:0": _price("Claude Opus 4", "15.00 75.00 1.50 18.75"),
    "anthropic.claude-opus-4-1-20250805-v1:0": _price("Claude Opus 4.1", "15.00 75.00 1.50 18.75"),
    "anthropic.claude-sonnet-4-5-20250929-v1:0": _price("Claude Sonnet 4.5", "3.00 15.00 0.30 3.75", True),
    "anthropic.claude-haiku-4-5-20251001-v1:0": _price("Claude Haiku 4.5", "1.00 5.00 0.10 1.25", True),
    "anthropic.claude-opus-4-5-20251101-v1:0": _price("Claude Opus 4.5", "5.00 25.00 0.50 6.25", True),
    "anthropic.claude-opus-4-6-v1": _price("Claude Opus 4.6", "5.00 25.00 0.50 6.25", True),
    "anthropic.claude-sonnet-4-6": _price("Claude Sonnet 4.6", "3.00 15.00 0.30 3.75", True),
}

#: Token kind (the data plane's usage keys) -> the usage-type word of the price list, the price field.
KINDS = [
    ("input", "InputTokenCount", "input"),
    ("output", "OutputTokenCount", "output"),
    ("cacheRead", "CacheReadInputTokenCount", "cache_read"),
    ("cacheWrite", "CacheWriteInputTokenCount", "cache_write"),
]

#: The region codes AWS puts in front of usage types.
_CODES = """us-east-1=USE1 us-east-2=USE2 us-west-1=USW1 us-west-2=USW2 us-gov-east-1=UGE1 us-gov-west-1=UGW1
ca-central-1=CAN1 ca-west-1=CAN2 eu-central-1=EUC1 eu-central-2=EUC2 eu-north-1=EUN1 eu-south-1=EUS1
eu-south-2=EUS2 eu-west-1=EU eu-west-2=EUW2 eu-west-3=EUW3 ap-northeast-1=APN1 ap-northeast-2=APN2
ap-northeast-3=APN3 ap-south-1=APS3 ap-south-2=APS5 ap-southeast-1=APS1 ap-southeast-2=APS2
ap-southeast-3=APS4 ap-southeast-4=APS6"""
REGION_CODES = {region: code for region, _, code in (pair.partition("=") for pair in _CODES.split())}


@dataclass(frozen=True)
class LineItem:
    at: datetime  # usage time (emulator clock, UTC)
    account: str
    region: str  # the region the call was made in (AWS prices by the source region)
    service: str
    billing_entity: str
    usage_type: str
    tokens: int
    cost: Decimal  # UnblendedCost, USD
    tags: tuple[tuple[str, str], ...]  # resource tags at call time
    resource: str  # the profile or model ARN called
    model_id: str

    @property
    def unit(self) -> str:
        return UNIT if self.billing_entity == MARKETPLACE else "Tokens"

    @property
    def quantity(self) -> Decimal:
        """UsageQuantity in ``unit`` (million tokens for Marketplace usage types)."""
        return Decimal(self.tokens) / MILLION if self.unit == UNIT else Decimal(self.tokens)

    def to_json(self) -> dict[str, Any]:
        return {
            "usageTime": clock.iso(self.at),
            "account": self.account,
            "region": self.region,
            "service": self.service,
            "billingEntity": self.billing_entity,
            "usageType": self.usage_type,
            "tokens": self.tokens,
            "unblendedCost": str(self.cost),
            "tags": dict(self.tags),
            "resource": self.resource,
            "modelId": self.model_id,
        }


_lock = threading.Lock()


def _init_state(self: CostExplorerBackend) -> None:
    self.billing_line_items = []  # LineItem, oldest first
    self.cost_allocation_tag_periods = {}  # tag key -> [[activated at, deactivated at | None], ...]


extend_init(CostExplorerBackend, _init_state)


def backend_for(account_id: str, partition: str = "aws") -> CostExplorerBackend:
    return ce_backends[account_id][partition]


def line_items_for(
    account_id: str,
    region: str,
    model_id: str,
    is_global: bool,
    usage: dict[str, int],
    tags: dict[str, str],
    at: datetime,
    resource: str,
) -> list[LineItem]:
    """The line items of one call (one per kind of token it used)."""
    price = PRICES.get(model_id)
    code = REGION_CODES.get(region, region.replace("-", "").upper())
    items = []
    for key, word, field_name in KINDS:
        tokens = int(usage.get(key) or 0)
        if tokens <= 0:
            continue
        if price is None:
            usage_type = f"{code}-{model_id}-{key}-tokens"
            service, entity, cost = BEDROCK, "AWS", Decimal(0)
        else:
            usage_type = f"{code}-MP:{code}_{word}{'_Global' if is_global else ''}-Units"
            service, entity = f"{price.name} (Amazon Bedrock Edition)", MARKETPLACE
            rate = getattr(price, field_name) * (REGIONAL_PREMIUM if price.premium and not is_global else 1)
            cost = tokens * rate / MILLION
        tag_pairs = tuple(sorted(tags.items()))
        items.append(
            LineItem(at, account_id, region, service, entity, usage_type, tokens, cost, tag_pairs, resource, model_id)
        )
    return items


def record(
    account_id: str,
    partition: str,
    region: str,
    model_id: str,
    is_global: bool,
    usage: dict[str, int],
    tags: dict[str, str],
    at: datetime,
    resource: str,
) -> None:
    """Bills one answered model call (see the module docstring)."""
    items = line_items_for(account_id, region, model_id, is_global, usage, tags, at, resource)
    backend = backend_for(account_id, partition)
    stamp = clock.iso(at, millis=False)
    with _lock:
        backend.billing_line_items.extend(items)
        for key in tags:
            known = backend.cost_allocation_tags.setdefault(
                key, {"TagKey": key, "Type": "UserDefined", "Status": "Inactive"}
            )
            known["LastUsedDate"] = stamp


def line_items(backend: CostExplorerBackend) -> list[LineItem]:
    with _lock:
        return list(backend.billing_line_items)


def tag_status_changed(backend: CostExplorerBackend, key: str, status: str, at: datetime) -> None:
    """Records an UpdateCostAllocationTagsStatus: usage from ``at`` on carries the key (Active) or not."""
    with _lock:
        periods = backend.cost_allocation_tag_periods.setdefault(key, [])
        if status == "Active" and (not periods or periods[-1][1] is not None):
            periods.append([at, None])
        elif status == "Inactive" and periods and periods[-1][1] is None:
            periods[-1][1] = at


def visible_tags(backend: CostExplorerBackend, item: LineItem) -> dict[str, str]:
    """The line item's tags whose key was an Active cost allocation tag at its usage time."""
    periods = backend.cost_allocation_tag_periods
    return {
        key: value
        for key, value in item.tags
        if any(start <= item.at and (end is None or item.at < end) for start, end in periods.get(key, []))
    }


@control.route("GET", "billing/line-items")
def _line_items_route(query: dict[str, str], body: Any) -> tuple[int, Any]:
    account = query.get("account")
    found = []
    for account_id, backends in list(ce_backends.items()):
        if account is None or account_id == account:
            for backend in list(backends.values()):
                found += line_items(backend)
    found.sort(key=lambda item: item.at)
    return 200, {"lineItems": [item.to_json() for item in found]}
