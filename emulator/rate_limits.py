"""The emulator's optional request-rate limits: one row per (service, operation), with its source.

Only the control-plane calls a ``terraform plan`` / ``apply`` of the stack makes in volume (one or
more per developer): Amazon Bedrock application inference profiles, AWS Budgets budgets and budget
actions, the IAM policies and roles behind them, and AWS STS (every provider start). ``throttle.py``
enforces the table (token buckets per account and Region); ``GET /_emulator/rate-limits`` returns it.

Each row cites where its figure comes from. Where AWS publishes no figure, the row says so
(``assumption``) and uses the convention below, so a reader can tell a documented quota from a
stand-in:

- AWS STS documents one shared quota, 600 requests per second per account and Region, for the
  operations listed in ``IAM and AWS STS quotas``; those rows share one bucket (``bucket="sts"``).
- Amazon Bedrock's quota table (AWS General Reference, "Amazon Bedrock endpoints and quotas") lists
  per-API request rates for its other control-plane resources (agents, knowledge bases, flows,
  prompt management): 2 per second for Create*/Delete* (e.g. "CreatePrompt requests per second",
  "DeletePrompt requests per second") and 10 per second for Get*/List* ("GetPrompt requests per
  second", "ListPrompts requests per second"). It lists none for the inference-profile APIs.
- AWS Budgets and IAM document that they throttle (Budgets' ``ThrottlingException``; IAM's
  ``Throttling: Rate exceeded``, which AWS says cannot be raised) but publish no figures.

The convention for an unpublished figure is Bedrock's documented sibling rates: 2 requests per
second for a call that writes, 10 for one that reads; the burst (the bucket's size) is one second's
worth, because AWS documents none of these bursts either.
"""

from __future__ import annotations

from dataclasses import dataclass

BEDROCK_QUOTAS = "https://docs.aws.amazon.com/general/latest/gr/bedrock.html#limits_bedrock"
BUDGETS_QUOTAS = "https://docs.aws.amazon.com/cost-management/latest/userguide/management-limits.html"
IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
IAM_THROTTLING = "https://repost.aws/knowledge-center/iam-sts-throttling-error"

#: Requests per second of the convention for an unpublished figure (see the module docstring).
WRITE_RATE = 2.0
READ_RATE = 10.0


@dataclass(frozen=True)
class Limit:
    """One operation's limit: ``rate`` requests per second sustained, ``burst`` at once."""

    service: str  # the SigV4 signing name, as operation.operation_of reports it
    operation: str
    rate: float
    burst: int
    source: str  # URL of the AWS page that documents the quota (or its absence)
    quota: str  # the quota's name there, or what the page says instead
    assumption: str | None = None  # why these figures, when AWS publishes none
    bucket: str | None = None  # operations with the same bucket share one quota

    @property
    def key(self) -> str:
        return f"{self.service}:{self.operation}"

    @property
    def bucket_key(self) -> str:
        return self.bucket or self.key


def _unpublished(
    service: str, operation: str, writes: bool, source: str, quota: str, why: str
) -> Limit:
    rate = WRITE_RATE if writes else READ_RATE
    return Limit(service, operation, rate, int(rate), source, quota, why)


_BEDROCK_WHY = (
    "Bedrock's quota table lists no rate for the inference-profile APIs; assumed its documented rate for "
    "the other Bedrock control-plane APIs ({sibling}), burst one second's worth"
)
_BUDGETS_WHY = (
    "AWS Budgets documents ThrottlingException but no request rate; assumed Bedrock's documented "
    "control-plane convention ({rate:g}/s), burst one second's worth"
)
_IAM_WHY = (
    "IAM throttles per API with token buckets whose sizes AWS does not publish; assumed Bedrock's "
    "documented control-plane convention ({rate:g}/s), burst one second's worth"
)


def _bedrock(operation: str, writes: bool) -> Limit:
    sibling = "CreatePrompt/DeletePrompt: 2 per second" if writes else "GetPrompt/ListPrompts: 10 per second"
    return _unpublished(
        "bedrock",
        operation,
        writes,
        BEDROCK_QUOTAS,
        f"none for {operation}",
        _BEDROCK_WHY.format(sibling=sibling),
    )


def _budgets(operation: str, writes: bool) -> Limit:
    rate = WRITE_RATE if writes else READ_RATE
    return _unpublished(
        "budgets", operation, writes, BUDGETS_QUOTAS, "none published", _BUDGETS_WHY.format(rate=rate)
    )


def _iam(operation: str, writes: bool) -> Limit:
    rate = WRITE_RATE if writes else READ_RATE
    return _unpublished(
        "iam", operation, writes, IAM_THROTTLING, "none published", _IAM_WHY.format(rate=rate)
    )


def _sts(operation: str) -> Limit:
    return Limit(
        "sts",
        operation,
        600.0,
        600,
        IAM_QUOTAS,
        "STS request quotas: 600 requests per second per account per Region, shared",
        "burst not published; assumed one second's worth",
        bucket="sts",
    )


TABLE: tuple[Limit, ...] = (
    # Amazon Bedrock application inference profiles: one or more per developer.
    _bedrock("CreateInferenceProfile", True),
    _bedrock("GetInferenceProfile", False),
    _bedrock("ListInferenceProfiles", False),
    _bedrock("DeleteInferenceProfile", True),
    _bedrock("TagResource", True),
    _bedrock("UntagResource", True),
    _bedrock("ListTagsForResource", False),
    # AWS Budgets: a budget (with notifications and subscribers) and a budget action per developer.
    _budgets("CreateBudget", True),
    _budgets("DescribeBudget", False),
    _budgets("DescribeBudgets", False),
    _budgets("UpdateBudget", True),
    _budgets("DeleteBudget", True),
    _budgets("CreateNotification", True),
    _budgets("DeleteNotification", True),
    _budgets("DescribeNotificationsForBudget", False),
    _budgets("CreateSubscriber", True),
    _budgets("DeleteSubscriber", True),
    _budgets("DescribeSubscribersForNotification", False),
    _budgets("CreateBudgetAction", True),
    _budgets("DescribeBudgetAction", False),
    _budgets("UpdateBudgetAction", True),
    _budgets("DeleteBudgetAction", True),
    _budgets("TagResource", True),
    _budgets("UntagResource", True),
    _budgets("ListTagsForResource", False),
    # IAM: a spend-cap policy per developer, the developer and budget-action roles; GetUser is how
    # every provider start looks up the account.
    _iam("GetUser", False),
    _iam("CreatePolicy", True),
    _iam("GetPolicy", False),
    _iam("GetPolicyVersion", False),
    _iam("ListPolicyVersions", False),
    _iam("CreatePolicyVersion", True),
    _iam("DeletePolicyVersion", True),
    _iam("DeletePolicy", True),
    _iam("TagPolicy", True),
    _iam("UntagPolicy", True),
    _iam("CreateRole", True),
    _iam("GetRole", False),
    _iam("DeleteRole", True),
    _iam("TagRole", True),
    _iam("UntagRole", True),
    _iam("PutRolePolicy", True),
    _iam("GetRolePolicy", False),
    _iam("DeleteRolePolicy", True),
    _iam("ListRolePolicies", False),
    _iam("ListAttachedRolePolicies", False),
    _iam("AttachRolePolicy", True),
    _iam("DetachRolePolicy", True),
    _iam("ListInstanceProfilesForRole", False),
    # AWS STS: every Terraform provider start calls GetCallerIdentity; one shared, documented quota.
    _sts("GetCallerIdentity"),
    _sts("AssumeRole"),
    _sts("GetSessionToken"),
    _sts("GetFederationToken"),
    _sts("DecodeAuthorizationMessage"),
    _sts("GetAccessKeyInfo"),
)

BY_KEY: dict[str, Limit] = {limit.key: limit for limit in TABLE}
