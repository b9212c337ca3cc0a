"""AWS Budgets extensions for moto 5.2.1.

Adds UpdateBudget, notification/subscriber management
(DescribeSubscribersForNotification, Create/Update/DeleteSubscriber,
UpdateNotification), budget actions (Create/Describe/Update/DeleteBudgetAction,
DescribeBudgetActionsForBudget, DescribeBudgetActionsForAccount), resource
tagging of budgets and budget actions (TagResource, UntagResource,
ListTagsForResource, the ResourceTags of CreateBudget and CreateBudgetAction),
and AWS-like errors (NotFoundException, DuplicateRecordException) where moto
raised KeyErrors or accepted duplicates.

Budget actions are stored and described; nothing evaluates their thresholds, so an action stays
``STANDBY`` (as on AWS until the budget's spend crosses the threshold) and never runs.

Budgets is a JSON 1.1 protocol service (``X-Amz-Target:
AWSBudgetServiceGateway.<Operation>``); moto dispatches each target to the
snake_case method of ``BudgetsResponse``. State lives on moto's per-account,
per-partition ``BudgetsBackend``.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import re
import uuid
from typing import Any, cast

from moto.budgets.models import Budget, BudgetsBackend, Notification
from moto.budgets.responses import BudgetsResponse
from moto.utilities.tagging_service import TaggingService

from ext_common import AwsError, extend_init, full_match, ok, paginate, patch
from ext_lambda import source_conditions_hold
from ext_sts import trust_allows

# moto annotates BaseModel.__new__ as returning BaseModel: models made here are cast to their class.
SERVICE = "budgets"
Resp = tuple[str, dict[str, Any]]

NOTIFICATION_TYPES = {"ACTUAL", "FORECASTED"}
COMPARISON_OPERATORS = {"GREATER_THAN", "LESS_THAN", "EQUAL_TO"}
THRESHOLD_TYPES = {"PERCENTAGE", "ABSOLUTE_VALUE"}
SUBSCRIPTION_TYPES = {"SNS", "EMAIL"}
MAX_NOTIFICATIONS = 10
MAX_SUBSCRIBERS = 11  # per notification: up to 10 e-mail + 1 SNS
MAX_TAGS = 50
ARN_PATTERN = re.compile(r"arn:(aws[a-z-]*):budgets::(\d{12}):budget/(.+)")
ACTION_ARN_PATTERN = re.compile(r"arn:(aws[a-z-]*):budgets::(\d{12}):budget/(.+)/action/([a-fA-F0-9-]{36})")
BUDGETS_SERVICE = "budgets.amazonaws.com"


def error(code: str, message: str) -> AwsError:
    return AwsError(SERVICE, code, message)


def invalid(message: str) -> AwsError:
    return error("InvalidParameterException", message)


def _init_state(self: BudgetsBackend) -> None:
    self.tagger = TaggingService()
    self.actions = {}  # account id -> action id -> Action (the API's shape)


extend_init(BudgetsBackend, _init_state)


def budget_arn(backend: BudgetsBackend, account_id: str, name: str) -> str:
    return f"arn:{backend.region_name}:budgets::{account_id}:budget/{name}"


def action_arn(backend: BudgetsBackend, account_id: str, name: str, action_id: str) -> str:
    return f"{budget_arn(backend, account_id, name)}/action/{action_id}"


# --------------------------------------------------------------------------- helpers


def _key(notification: dict[str, Any]) -> tuple[str, str, float, str]:
    return (
        notification.get("NotificationType", ""),
        notification.get("ComparisonOperator", ""),
        float(notification.get("Threshold", 0)),
        notification.get("ThresholdType") or "PERCENTAGE",
    )


def _validate_notification(notification: Any) -> dict[str, Any]:
    if not isinstance(notification, dict):
        raise invalid("Notification is required.")
    if notification.get("NotificationType") not in NOTIFICATION_TYPES:
        raise invalid(f"Invalid NotificationType: {notification.get('NotificationType')}")
    if notification.get("ComparisonOperator") not in COMPARISON_OPERATORS:
        raise invalid(f"Invalid ComparisonOperator: {notification.get('ComparisonOperator')}")
    threshold = notification.get("Threshold")
    if not isinstance(threshold, (int, float)) or not 0 <= threshold <= 15000000000000:
        raise invalid(f"Invalid Threshold: {threshold}")
    threshold_type = notification.get("ThresholdType")
    if threshold_type is not None and threshold_type not in THRESHOLD_TYPES:
        raise invalid(f"Invalid ThresholdType: {threshold_type}")
    stored = {
        "NotificationType": notification["NotificationType"],
        "ComparisonOperator": notification["ComparisonOperator"],
        "Threshold": float(threshold),
        "ThresholdType": threshold_type or "PERCENTAGE",
        "NotificationState": "OK",
    }
    return stored


def _validate_subscriber(subscriber: Any) -> dict[str, str]:
    if not isinstance(subscriber, dict):
        raise invalid("Subscriber is required.")
    kind, address = subscriber.get("SubscriptionType"), subscriber.get("Address")
    if kind not in SUBSCRIPTION_TYPES:
        raise invalid(f"Invalid SubscriptionType: {kind}")
    if not isinstance(address, str) or not address:
        raise invalid("Subscriber address must not be empty.")
    if kind == "SNS" and not re.fullmatch(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?", address):
        raise invalid(f"Invalid SNS topic ARN: {address}")
    if kind == "EMAIL" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
        raise invalid(f"Invalid email address: {address}")
    return {"SubscriptionType": kind, "Address": address}


def _validate_subscribers(subscribers: Any) -> list[dict[str, str]]:
    if not isinstance(subscribers, list) or not subscribers:
        raise invalid("At least one subscriber is required.")
    if len(subscribers) > MAX_SUBSCRIBERS:
        raise invalid(f"A notification can have at most {MAX_SUBSCRIBERS} subscribers.")
    result = [_validate_subscriber(s) for s in subscribers]
    if len({(s["SubscriptionType"], s["Address"]) for s in result}) != len(result):
        raise error("DuplicateRecordException", "Duplicate subscribers in the request.")
    return result


def _budget(backend: BudgetsBackend, account_id: str, name: str, action: str) -> Budget:
    budget = backend.budgets[account_id].get(name)
    if budget is None:
        raise error("NotFoundException", f"Unable to {action} - the budget {name} doesn't exist.")
    return budget


def _notification(budget: Budget, notification: dict[str, Any], action: str) -> Notification:
    for existing in cast("list[Notification]", budget.notifications):
        if _key(existing.details) == _key(notification):
            return existing
    raise error("NotFoundException", f"Unable to {action} - the notification doesn't exist.")


def _check_budget_name(name: Any) -> str:
    # 1-100 characters, no ':' or '\\', and never '/action/' (it would make the ARN of the budget
    # ambiguous with one of its actions').
    if not isinstance(name, str) or not 1 <= len(name) <= 100 or re.search(r"[:\\]", name) or "/action/" in name:
        raise invalid(f"Invalid BudgetName: {name}")
    return name


def _validate_budget(budget: Any) -> dict[str, Any]:
    if not isinstance(budget, dict):
        raise invalid("Budget is required.")
    _check_budget_name(budget.get("BudgetName"))
    if budget.get("TimeUnit") not in {"DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY", "CUSTOM"}:
        raise invalid(f"Invalid TimeUnit: {budget.get('TimeUnit')}")
    if budget.get("BudgetType") not in {
        "USAGE",
        "COST",
        "RI_UTILIZATION",
        "RI_COVERAGE",
        "SAVINGS_PLANS_UTILIZATION",
        "SAVINGS_PLANS_COVERAGE",
    }:
        raise invalid(f"Invalid BudgetType: {budget.get('BudgetType')}")
    limit = budget.get("BudgetLimit")
    if limit is not None and not re.fullmatch(r"([0-9]*\.)?[0-9]+", str(limit.get("Amount", ""))):
        raise invalid(f"Invalid BudgetLimit amount: {limit.get('Amount')}")
    return budget


def _validate_tags(tags: Any) -> list[dict[str, str]]:
    if tags is None:
        return []
    if not isinstance(tags, list):
        raise invalid("ResourceTags must be a list.")
    for tag in tags:
        key, value = tag.get("Key"), tag.get("Value")
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or key.startswith("aws:"):
            raise invalid(f"Invalid tag key: {key}")
        if not isinstance(value, str) or len(value) > 256:
            raise invalid(f"Invalid tag value: {value}")
    return tags


def _account(self: BudgetsResponse) -> str:
    account_id = self._get_param("AccountId")
    if not isinstance(account_id, str) or not re.fullmatch(r"\d{12}", account_id):
        raise invalid(f"Invalid AccountId: {account_id}")
    return account_id


# --------------------------------------------------------------------------- budgets


@patch(BudgetsResponse)
def create_budget(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    account_id = _account(self)
    budget = _validate_budget(self._get_param("Budget"))
    tags = _validate_tags(self._get_param("ResourceTags"))
    if len(tags) > MAX_TAGS:
        raise error("ServiceQuotaExceededException", f"A budget can have at most {MAX_TAGS} tags.")
    entries = self._get_param("NotificationsWithSubscribers") or []
    if len(entries) > MAX_NOTIFICATIONS:
        raise invalid(f"A budget can have at most {MAX_NOTIFICATIONS} notifications.")
    notifications = []
    for entry in entries:
        details = _validate_notification(entry.get("Notification"))
        if any(_key(n["Notification"]) == _key(details) for n in notifications):
            raise error("DuplicateRecordException", "Duplicate notifications in the request.")
        notifications.append({"Notification": details, "Subscribers": _validate_subscribers(entry.get("Subscribers"))})
    if budget["BudgetName"] in backend.budgets[account_id]:
        raise error(
            "DuplicateRecordException",
            f"Error creating budget: {budget['BudgetName']} - the budget already exists.",
        )
    budget = {k: v for k, v in budget.items() if k not in ("CalculatedSpend", "LastUpdatedTime", "HealthStatus")}
    backend.budgets[account_id][budget["BudgetName"]] = cast(Budget, Budget(budget, notifications))
    if tags:
        backend.tagger.tag_resource(budget_arn(backend, account_id, budget["BudgetName"]), tags)
    return ok({})


@patch(BudgetsResponse)
def update_budget(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    account_id = _account(self)
    new_budget = _validate_budget(self._get_param("NewBudget"))
    existing = _budget(backend, account_id, new_budget["BudgetName"], "update budget")
    if not any(k in new_budget for k in ("BudgetLimit", "PlannedBudgetLimits", "AutoAdjustData")):
        raise invalid(
            "Unable to create/update budget - please provide one of the followings: "
            "Budget Limit/ Planned Budget Limit/ Auto Adjust Data"
        )
    kept = {k: existing.budget[k] for k in ("TimePeriod",) if k in existing.budget and k not in new_budget}
    updated = {k: v for k, v in new_budget.items() if k not in ("CalculatedSpend", "LastUpdatedTime", "HealthStatus")}
    notifications = existing.notifications
    replacement = cast(Budget, Budget({**updated, **kept}, []))
    replacement.notifications = notifications
    backend.budgets[account_id][new_budget["BudgetName"]] = replacement
    return ok({})


@patch(BudgetsResponse)
def describe_budget(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    account_id = _account(self)
    name = self._get_param("BudgetName")
    budget = backend.budgets[account_id].get(name)
    if budget is None:
        raise error("NotFoundException", f"Unable to get budget: {name} - the budget doesn't exist.")
    return ok({"Budget": budget.to_dict()})


def _paged(self: BudgetsResponse, member: str, items: list[Any], max_results: Any) -> Resp:
    """One page of ``items`` as ``{member: [...], "NextToken"?}`` (100 by default), from the request's
    ``NextToken``; a token that is not one of ours is ``InvalidNextTokenException``."""
    page = paginate(items, self._get_param("NextToken"), max_results, default=100)
    if page is None:
        raise error("InvalidNextTokenException", "The next token is invalid.")
    body: dict[str, Any] = {member: page[0]}
    if page[1]:
        body["NextToken"] = page[1]
    return ok(body)


@patch(BudgetsResponse)
def describe_budgets(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    account_id = _account(self)
    budgets = [b.to_dict() for b in backend.budgets[account_id].values()]
    return _paged(self, "Budgets", budgets, self._get_param("MaxResults"))


@patch(BudgetsResponse)
def delete_budget(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    account_id = _account(self)
    name = self._get_param("BudgetName")
    if name not in backend.budgets[account_id]:
        raise error(
            "NotFoundException",
            f"Unable to delete budget: {name} - the budget doesn't exist. Try creating it first. ",
        )
    del backend.budgets[account_id][name]
    backend.tagger.delete_all_tags_for_resource(budget_arn(backend, account_id, name))
    # The budget's actions go with it.
    actions = backend.actions.get(account_id, {})
    for action_id in [i for i, a in actions.items() if a["BudgetName"] == name]:
        del actions[action_id]
        backend.tagger.delete_all_tags_for_resource(action_arn(backend, account_id, name, action_id))
    return ok({})


# --------------------------------------------------------------------------- notifications


@patch(BudgetsResponse)
def describe_notifications_for_budget(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    budget = _budget(backend, _account(self), self._get_param("BudgetName"), "describe notifications")
    details = [dict(n.details) for n in budget.notifications]
    return _paged(self, "Notifications", details, self._get_param("MaxResults"))


@patch(BudgetsResponse)
def create_notification(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    budget = _budget(backend, _account(self), self._get_param("BudgetName"), "create notification")
    details = _validate_notification(self._get_param("Notification"))
    subscribers = _validate_subscribers(self._get_param("Subscribers"))
    if any(_key(n.details) == _key(details) for n in budget.notifications):
        raise error("DuplicateRecordException", "Unable to create notification - the notification already exists.")
    if len(budget.notifications) >= MAX_NOTIFICATIONS:
        raise error("CreationLimitExceededException", f"A budget can have at most {MAX_NOTIFICATIONS} notifications.")
    # moto annotates subscribers as a dict; they are the list of the API (as moto's create_budget passes them).
    budget.add_notification(details, subscribers)  # pyright: ignore[reportArgumentType]
    return ok({})


@patch(BudgetsResponse)
def update_notification(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    budget = _budget(backend, _account(self), self._get_param("BudgetName"), "update notification")
    old = _validate_notification(self._get_param("OldNotification"))
    new = _validate_notification(self._get_param("NewNotification"))
    target = _notification(budget, old, "update notification")
    if _key(old) != _key(new) and any(_key(n.details) == _key(new) for n in budget.notifications):
        raise error("DuplicateRecordException", "Unable to update notification - the new notification already exists.")
    target.details = new
    return ok({})


@patch(BudgetsResponse)
def delete_notification(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    budget = _budget(backend, _account(self), self._get_param("BudgetName"), "delete notification")
    target = _notification(budget, _validate_notification(self._get_param("Notification")), "delete notification")
    budget.notifications.remove(target)
    return ok({})


# --------------------------------------------------------------------------- subscribers


@patch(BudgetsResponse)
def describe_subscribers_for_notification(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    budget = _budget(backend, _account(self), self._get_param("BudgetName"), "describe subscribers")
    target = _notification(budget, _validate_notification(self._get_param("Notification")), "describe subscribers")
    return _paged(self, "Subscribers", list(target.subscribers), self._get_param("MaxResults"))


@patch(BudgetsResponse)
def create_subscriber(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    budget = _budget(backend, _account(self), self._get_param("BudgetName"), "create subscriber")
    target = _notification(budget, _validate_notification(self._get_param("Notification")), "create subscriber")
    subscriber = _validate_subscriber(self._get_param("Subscriber"))
    if subscriber in target.subscribers:
        raise error("DuplicateRecordException", "Unable to create subscriber - the subscriber already exists.")
    if len(target.subscribers) >= MAX_SUBSCRIBERS:
        raise error("CreationLimitExceededException", f"A notification can have at most {MAX_SUBSCRIBERS} subscribers.")
    target.subscribers = [*target.subscribers, subscriber]
    return ok({})


@patch(BudgetsResponse)
def update_subscriber(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    budget = _budget(backend, _account(self), self._get_param("BudgetName"), "update subscriber")
    target = _notification(budget, _validate_notification(self._get_param("Notification")), "update subscriber")
    old = _validate_subscriber(self._get_param("OldSubscriber"))
    new = _validate_subscriber(self._get_param("NewSubscriber"))
    if old not in target.subscribers:
        raise error("NotFoundException", "Unable to update subscriber - the subscriber doesn't exist.")
    if new != old and new in target.subscribers:
        raise error("DuplicateRecordException", "Unable to update subscriber - the new subscriber already exists.")
    target.subscribers = [new if s == old else s for s in target.subscribers]
    return ok({})


@patch(BudgetsResponse)
def delete_subscriber(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    budget = _budget(backend, _account(self), self._get_param("BudgetName"), "delete subscriber")
    target = _notification(budget, _validate_notification(self._get_param("Notification")), "delete subscriber")
    subscriber = _validate_subscriber(self._get_param("Subscriber"))
    if subscriber not in target.subscribers:
        raise error("NotFoundException", "Unable to delete subscriber - the subscriber doesn't exist.")
    target.subscribers = [s for s in target.subscribers if s != subscriber]
    return ok({})


# --------------------------------------------------------------------------- budget actions

ACTION_TYPES = {
    "APPLY_IAM_POLICY": "IamActionDefinition",
    "APPLY_SCP_POLICY": "ScpActionDefinition",
    "RUN_SSM_DOCUMENTS": "SsmActionDefinition",
}
APPROVAL_MODELS = {"AUTOMATIC", "MANUAL"}
SSM_SUBTYPES = {"STOP_EC2_INSTANCES", "STOP_RDS_INSTANCES"}
MAX_THRESHOLD = 15000000000000
# The request members' patterns, from the Budgets API reference.
_PARTITION = r"aws(-eusc|-cn|-us-gov|-iso|-iso-[a-z])?"
ROLE_ARN = rf"arn:{_PARTITION}:iam::\d{{12}}:role(/[\u0021-\u007F]+/|/)[\w+=,.@-]+"
POLICY_ARN = rf"arn:{_PARTITION}:iam::(\d{{12}}|aws):policy(/[\u0021-\u007F]+/|/)[\w+=,.@-]+"
IAM_NAME = r"([\u0021-\u007F]+/)?[\w+=,.@-]+"
ACTION_ID = r"[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}"
SCP_POLICY_ID = r"p-[0-9a-zA-Z_]{8,128}"
SCP_TARGET = r"(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})|(\d{12})"
SSM_REGION = r"\w{2,4}-\w+(-\w+)?-\d"
INSTANCE_ID = r"i-(\w{8}|\w{17})|[a-zA-Z]([\w-]{0,61}\w)?"


def _names(value: Any, member: str, pattern: str, max_length: int, required: bool) -> list[str] | None:
    """A list member of a definition: absent, or 1-100 names that each match ``pattern``."""
    if value is None and not required:
        return None
    if not isinstance(value, list) or not 1 <= len(value) <= 100:
        raise invalid(f"{member} must list between 1 and 100 items.")
    bad = [v for v in value if not full_match(pattern, v) or len(v) > max_length]
    if bad:
        raise invalid(f"Invalid {member}: {', '.join(map(str, bad))}")
    return list(value)


def _validate_definition(action_type: str, definition: Any) -> dict[str, Any]:
    """The definition, which must be (only) the one ``action_type`` runs."""
    member = ACTION_TYPES[action_type]
    if not isinstance(definition, dict) or not isinstance(definition.get(member), dict):
        raise invalid(f"Definition of a {action_type} action requires {member}.")
    others = [k for k in definition if k != member and definition[k] is not None]
    if others:
        raise invalid(f"Definition of a {action_type} action takes only {member}, not {', '.join(others)}.")
    body = definition[member]
    if member == "IamActionDefinition":
        policy = body.get("PolicyArn")
        if not full_match(POLICY_ARN, policy) or not 25 <= len(policy) <= 684:
            raise invalid(f"Invalid PolicyArn: {policy}")
        stored: dict[str, Any] = {"PolicyArn": policy}
        for key, max_length in (("Roles", 576), ("Groups", 640), ("Users", 576)):
            names = _names(body.get(key), key, IAM_NAME, max_length, required=False)
            if names is not None:
                stored[key] = names
        if len(stored) == 1:
            raise invalid("IamActionDefinition must name at least one role, group or user.")
    elif member == "ScpActionDefinition":
        policy_id = body.get("PolicyId")
        if not full_match(SCP_POLICY_ID, policy_id):
            raise invalid(f"Invalid PolicyId: {policy_id}")
        targets = _names(body.get("TargetIds"), "TargetIds", SCP_TARGET, 68, required=True)
        stored = {"PolicyId": policy_id, "TargetIds": targets}
    else:
        subtype, region = body.get("ActionSubType"), body.get("Region")
        if subtype not in SSM_SUBTYPES:
            raise invalid(f"Invalid ActionSubType: {subtype}")
        if not full_match(SSM_REGION, region) or not 9 <= len(region) <= 20:
            raise invalid(f"Invalid Region: {region}")
        instances = _names(body.get("InstanceIds"), "InstanceIds", INSTANCE_ID, 63, required=True)
        stored = {"ActionSubType": subtype, "Region": region, "InstanceIds": instances}
    return {member: stored}


def _validate_threshold(threshold: Any) -> dict[str, Any]:
    if not isinstance(threshold, dict):
        raise invalid("ActionThreshold is required.")
    value, kind = threshold.get("ActionThresholdValue"), threshold.get("ActionThresholdType")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_THRESHOLD:
        raise invalid(f"Invalid ActionThresholdValue: {value}")
    if kind not in THRESHOLD_TYPES:
        raise invalid(f"Invalid ActionThresholdType: {kind}")
    return {"ActionThresholdValue": float(value), "ActionThresholdType": kind}


def _check_execution_role(backend: BudgetsBackend, account_id: str, budget: str, role_arn: Any) -> str:
    """The role AWS Budgets runs the action as: it must exist and let budgets.amazonaws.com assume
    it on behalf of this account and budget (``aws:SourceAccount``, ``aws:SourceArn`` = the budget's
    ARN), or Budgets answers AccessDeniedException (the provider retries that for two minutes, as
    it does on AWS while a new role propagates)."""
    if not full_match(ROLE_ARN, role_arn) or not 32 <= len(role_arn) <= 618:
        raise invalid(f"Invalid ExecutionRoleArn: {role_arn}")
    from moto.iam.models import iam_backends

    partition = backend.region_name
    role = next((r for r in iam_backends[account_id][partition].roles.values() if r.arn == role_arn), None)
    context = {"aws:sourceaccount": account_id, "aws:sourcearn": budget_arn(backend, account_id, budget)}
    if role is None or not trust_allows(
        role, "Service", BUDGETS_SERVICE, ["sts:AssumeRole"], context, holds=source_conditions_hold
    ):
        raise error(
            "AccessDeniedException",
            f"AWS Budgets cannot assume the execution role {role_arn}: it does not exist or its trust "
            f"policy does not allow {BUDGETS_SERVICE} to call sts:AssumeRole.",
        )
    return role_arn


def _action_id(self: BudgetsResponse) -> str:
    action_id = self._get_param("ActionId")
    if not full_match(ACTION_ID, action_id):
        raise invalid(f"Invalid ActionId: {action_id}")
    return action_id


def _action(self: BudgetsResponse, verb: str) -> tuple[str, dict[str, Any]]:
    """The account and the action the request names, on the budget it names."""
    backend: BudgetsBackend = self.backend
    account_id = _account(self)
    name = _check_budget_name(self._get_param("BudgetName"))
    action_id = _action_id(self)
    _budget(backend, account_id, name, verb)
    action = backend.actions.get(account_id, {}).get(action_id)
    if action is None or action["BudgetName"] != name:
        raise error("NotFoundException", f"Unable to {verb} - the action {action_id} of budget {name} doesn't exist.")
    return account_id, action


def _page(self: BudgetsResponse, actions: list[dict[str, Any]]) -> Resp:
    max_results = self._get_param("MaxResults")
    if max_results is not None and (not isinstance(max_results, int) or not 1 <= max_results <= 100):
        raise invalid(f"Invalid MaxResults: {max_results}")
    return _paged(self, "Actions", actions, max_results)


@patch(BudgetsResponse)
def create_budget_action(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    account_id = _account(self)
    name = _check_budget_name(self._get_param("BudgetName"))
    notification_type = self._get_param("NotificationType")
    if notification_type not in NOTIFICATION_TYPES:
        raise invalid(f"Invalid NotificationType: {notification_type}")
    action_type = self._get_param("ActionType")
    if action_type not in ACTION_TYPES:
        raise invalid(f"Invalid ActionType: {action_type}")
    approval = self._get_param("ApprovalModel")
    if approval not in APPROVAL_MODELS:
        raise invalid(f"Invalid ApprovalModel: {approval}")
    threshold = _validate_threshold(self._get_param("ActionThreshold"))
    definition = _validate_definition(action_type, self._get_param("Definition"))
    subscribers = _validate_subscribers(self._get_param("Subscribers"))
    tags = _validate_tags(self._get_param("ResourceTags"))
    if len(tags) > MAX_TAGS:
        raise error("ServiceQuotaExceededException", f"A budget action can have at most {MAX_TAGS} tags.")
    _budget(backend, account_id, name, "create budget action")
    role_arn = _check_execution_role(backend, account_id, name, self._get_param("ExecutionRoleArn"))
    action_id = str(uuid.uuid4())
    backend.actions.setdefault(account_id, {})[action_id] = {
        "ActionId": action_id,
        "BudgetName": name,
        "NotificationType": notification_type,
        "ActionType": action_type,
        "ActionThreshold": threshold,
        "Definition": definition,
        "ExecutionRoleArn": role_arn,
        "ApprovalModel": approval,
        "Status": "STANDBY",
        "Subscribers": subscribers,
    }
    if tags:
        backend.tagger.tag_resource(action_arn(backend, account_id, name, action_id), tags)
    return ok({"AccountId": account_id, "BudgetName": name, "ActionId": action_id})


@patch(BudgetsResponse)
def describe_budget_action(self: BudgetsResponse) -> Resp:
    account_id, action = _action(self, "describe budget action")
    return ok({"AccountId": account_id, "BudgetName": action["BudgetName"], "Action": action})


@patch(BudgetsResponse)
def describe_budget_actions_for_budget(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    account_id = _account(self)
    name = _check_budget_name(self._get_param("BudgetName"))
    _budget(backend, account_id, name, "describe budget actions")
    return _page(self, [a for a in backend.actions.get(account_id, {}).values() if a["BudgetName"] == name])


@patch(BudgetsResponse)
def describe_budget_actions_for_account(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    return _page(self, list(backend.actions.get(_account(self), {}).values()))


@patch(BudgetsResponse)
def update_budget_action(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    account_id, action = _action(self, "update budget action")
    changes: dict[str, Any] = {}
    notification_type = self._get_param("NotificationType")
    if notification_type is not None:
        if notification_type not in NOTIFICATION_TYPES:
            raise invalid(f"Invalid NotificationType: {notification_type}")
        changes["NotificationType"] = notification_type
    if self._get_param("ActionThreshold") is not None:
        changes["ActionThreshold"] = _validate_threshold(self._get_param("ActionThreshold"))
    if self._get_param("Definition") is not None:
        changes["Definition"] = _validate_definition(action["ActionType"], self._get_param("Definition"))
    approval = self._get_param("ApprovalModel")
    if approval is not None:
        if approval not in APPROVAL_MODELS:
            raise invalid(f"Invalid ApprovalModel: {approval}")
        changes["ApprovalModel"] = approval
    if self._get_param("Subscribers") is not None:
        changes["Subscribers"] = _validate_subscribers(self._get_param("Subscribers"))
    if self._get_param("ExecutionRoleArn") is not None:
        role_arn = self._get_param("ExecutionRoleArn")
        changes["ExecutionRoleArn"] = _check_execution_role(backend, account_id, action["BudgetName"], role_arn)
    old = dict(action)
    action.update(changes)
    return ok({"AccountId": account_id, "BudgetName": action["BudgetName"], "OldAction": old, "NewAction": action})


@patch(BudgetsResponse)
def delete_budget_action(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    account_id, action = _action(self, "delete budget action")
    del backend.actions[account_id][action["ActionId"]]
    backend.tagger.delete_all_tags_for_resource(action_arn(backend, account_id, action["BudgetName"], action["ActionId"]))
    return ok({"AccountId": account_id, "BudgetName": action["BudgetName"], "Action": action})


# --------------------------------------------------------------------------- tags


def _resource(self: BudgetsResponse) -> str:
    """The budget or budget action ARN the request names; it must exist."""
    backend: BudgetsBackend = self.backend
    arn = self._get_param("ResourceARN")
    action = ACTION_ARN_PATTERN.fullmatch(arn or "")
    match = action or ARN_PATTERN.fullmatch(arn or "")
    if not match:
        raise invalid(f"Invalid ResourceARN: {arn}")
    account_id, name = match[2], match[3]
    exists = (
        backend.actions.get(account_id, {}).get(match[4], {}).get("BudgetName") == name
        if action
        else name in backend.budgets[account_id]
    )
    if not exists:
        raise error("NotFoundException", f"Unable to find resource {arn}.")
    return arn


@patch(BudgetsResponse)
def list_tags_for_resource(self: BudgetsResponse) -> Resp:
    arn = _resource(self)
    return ok({"ResourceTags": self.backend.tagger.list_tags_for_resource(arn)["Tags"]})


@patch(BudgetsResponse)
def tag_resource(self: BudgetsResponse) -> Resp:
    backend: BudgetsBackend = self.backend
    arn = _resource(self)
    tags = _validate_tags(self._get_param("ResourceTags"))
    if not tags:
        raise invalid("ResourceTags must not be empty.")
    existing = {t["Key"] for t in backend.tagger.list_tags_for_resource(arn)["Tags"]}
    if len(existing | {t["Key"] for t in tags}) > MAX_TAGS:
        raise error("ServiceQuotaExceededException", f"A budget or budget action can have at most {MAX_TAGS} tags.")
    backend.tagger.tag_resource(arn, tags)
    return ok({})


@patch(BudgetsResponse)
def untag_resource(self: BudgetsResponse) -> Resp:
    arn = _resource(self)
    keys = self._get_param("ResourceTagKeys")
    if not isinstance(keys, list) or not keys:
        raise invalid("ResourceTagKeys must not be empty.")
    self.backend.tagger.untag_resource_using_names(arn, keys)
    return ok({})
