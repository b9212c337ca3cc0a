"""Tests of the AWS Budgets extensions (ext_budgets.py): notifications, subscribers, tags,
UpdateBudget, budget actions and AWS's errors.

Run: python3 -m unittest test_budgets (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import json
import unittest
from typing import Any

from testing_support import ACCOUNT, REGION, EmulatorTestCase, client

NOTIFICATION = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0, "ThresholdType": "PERCENTAGE"}
EMAIL = {"SubscriptionType": "EMAIL", "Address": "finops@example.com"}
SNS = {"SubscriptionType": "SNS", "Address": f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"}
BUDGET_ARN = f"arn:aws:budgets::{ACCOUNT}:budget/team-platform"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/acme-budget-actions"
POLICY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/acme-spend-cap-jane"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def trust(service: str = "budgets.amazonaws.com", account: str = ACCOUNT, source_arn: str | None = None) -> str:
    condition: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": account}}
    if source_arn:
        condition["ArnLike"] = {"aws:SourceArn": source_arn}
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole", "Condition": condition}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


class BudgetsTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.budgets = client("budgets")

    def create(self, **kwargs: Any) -> None:
        self.budgets.create_budget(
            AccountId=ACCOUNT,
            Budget={
                "BudgetName": "team-platform",
                "BudgetLimit": {"Amount": "500", "Unit": "USD"},
                "TimeUnit": "MONTHLY",
                "BudgetType": "COST",
                "CostFilters": {"TagKeyValue": ["user:Team$platform"]},
            },
            NotificationsWithSubscribers=[{"Notification": NOTIFICATION, "Subscribers": [EMAIL, SNS]}],
            **kwargs,
        )

    def test_describe_subscribers_for_notification(self) -> None:
        self.create()
        subscribers = self.budgets.describe_subscribers_for_notification(
            AccountId=ACCOUNT, BudgetName="team-platform", Notification=NOTIFICATION
        )["Subscribers"]
        self.assertEqual(subscribers, [EMAIL, SNS])

    def test_describe_subscribers_of_unknown_notification_or_budget_raises_not_found(self) -> None:
        self.create()
        other = {**NOTIFICATION, "Threshold": 99.0}
        self.assertError(
            "NotFoundException",
            self.budgets.describe_subscribers_for_notification,
            AccountId=ACCOUNT,
            BudgetName="team-platform",
            Notification=other,
        )
        self.assertError(
            "NotFoundException",
            self.budgets.describe_subscribers_for_notification,
            AccountId=ACCOUNT,
            BudgetName="nope",
            Notification=NOTIFICATION,
        )

    def test_budget_keeps_its_cost_filter(self) -> None:
        self.create()
        budget = self.budgets.describe_budget(AccountId=ACCOUNT, BudgetName="team-platform")["Budget"]
        self.assertEqual(budget["CostFilters"], {"TagKeyValue": ["user:Team$platform"]})

    def test_tags_round_trip(self) -> None:
        self.create(ResourceTags=[{"Key": "Team", "Value": "platform"}])
        self.assertEqual(
            self.budgets.list_tags_for_resource(ResourceARN=BUDGET_ARN)["ResourceTags"], [{"Key": "Team", "Value": "platform"}]
        )
        self.budgets.tag_resource(ResourceARN=BUDGET_ARN, ResourceTags=[{"Key": "Project", "Value": "x"}])
        self.budgets.untag_resource(ResourceARN=BUDGET_ARN, ResourceTagKeys=["Team"])
        self.assertEqual(
            self.budgets.list_tags_for_resource(ResourceARN=BUDGET_ARN)["ResourceTags"], [{"Key": "Project", "Value": "x"}]
        )

    def test_untagged_budget_lists_no_tags_and_unknown_budget_raises_not_found(self) -> None:
        self.create()
        self.assertEqual(self.budgets.list_tags_for_resource(ResourceARN=BUDGET_ARN)["ResourceTags"], [])
        self.assertError(
            "NotFoundException", self.budgets.list_tags_for_resource, ResourceARN=f"arn:aws:budgets::{ACCOUNT}:budget/nope"
        )

    def test_duplicate_budget_raises_duplicate_record(self) -> None:
        self.create()
        self.assertError("DuplicateRecordException", self.create)

    def test_update_budget_changes_limit_and_keeps_notifications(self) -> None:
        self.create()
        self.budgets.update_budget(
            AccountId=ACCOUNT,
            NewBudget={
                "BudgetName": "team-platform",
                "BudgetLimit": {"Amount": "750", "Unit": "USD"},
                "TimeUnit": "MONTHLY",
                "BudgetType": "COST",
            },
        )
        budget = self.budgets.describe_budget(AccountId=ACCOUNT, BudgetName="team-platform")["Budget"]
        self.assertEqual(budget["BudgetLimit"]["Amount"], "750")
        notifications = self.budgets.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="team-platform")
        self.assertEqual(len(notifications["Notifications"]), 1)

    def test_update_unknown_budget_raises_not_found(self) -> None:
        self.assertError(
            "NotFoundException",
            self.budgets.update_budget,
            AccountId=ACCOUNT,
            NewBudget={"BudgetName": "nope", "BudgetLimit": {"Amount": "1", "Unit": "USD"}, "TimeUnit": "MONTHLY", "BudgetType": "COST"},
        )

    def test_subscriber_and_notification_lifecycle(self) -> None:
        self.create()
        other = {"SubscriptionType": "EMAIL", "Address": "cfo@example.com"}
        args = {"AccountId": ACCOUNT, "BudgetName": "team-platform", "Notification": NOTIFICATION}
        self.budgets.create_subscriber(**args, Subscriber=other)
        self.assertError("DuplicateRecordException", self.budgets.create_subscriber, **args, Subscriber=other)
        self.budgets.delete_subscriber(**args, Subscriber=SNS)
        self.assertEqual(self.budgets.describe_subscribers_for_notification(**args)["Subscribers"], [EMAIL, other])
        forecast = {**NOTIFICATION, "NotificationType": "FORECASTED", "Threshold": 100.0}
        self.budgets.update_notification(
            AccountId=ACCOUNT, BudgetName="team-platform", OldNotification=NOTIFICATION, NewNotification=forecast
        )
        self.assertError("NotFoundException", self.budgets.describe_subscribers_for_notification, **args)
        self.budgets.delete_notification(AccountId=ACCOUNT, BudgetName="team-platform", Notification=forecast)
        notifications = self.budgets.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="team-platform")
        self.assertEqual(notifications["Notifications"], [])

    def test_describe_notifications_of_unknown_budget_raises_not_found(self) -> None:
        self.assertError("NotFoundException", self.budgets.describe_notifications_for_budget, AccountId=ACCOUNT, BudgetName="nope")


class BudgetActionsTest(EmulatorTestCase):
    """Budget actions, as the stack's spend cap uses them: APPLY_IAM_POLICY on the developer role."""

    def setUp(self) -> None:
        super().setUp()
        self.budgets = client("budgets")
        client("iam").create_role(RoleName="acme-budget-actions", AssumeRolePolicyDocument=trust())
        for name in ("team-platform", "team-payments"):
            self.budgets.create_budget(
                AccountId=ACCOUNT,
                Budget={
                    "BudgetName": name,
                    "BudgetLimit": {"Amount": "400", "Unit": "USD"},
                    "TimeUnit": "MONTHLY",
                    "BudgetType": "COST",
                },
            )

    def request(self, **overrides: Any) -> dict[str, Any]:
        return {
            "AccountId": ACCOUNT,
            "BudgetName": "team-platform",
            "NotificationType": "ACTUAL",
            "ActionType": "APPLY_IAM_POLICY",
            "ActionThreshold": {"ActionThresholdValue": 100.0, "ActionThresholdType": "PERCENTAGE"},
            "Definition": {"IamActionDefinition": {"PolicyArn": POLICY_ARN, "Roles": ["acme-developer"]}},
            "ExecutionRoleArn": ROLE_ARN,
            "ApprovalModel": "AUTOMATIC",
            "Subscribers": [SNS, EMAIL],
            **overrides,
        }

    def create(self, **overrides: Any) -> str:
        return self.budgets.create_budget_action(**self.request(**overrides))["ActionId"]

    def describe(self, action_id: str, budget: str = "team-platform") -> dict[str, Any]:
        return self.budgets.describe_budget_action(AccountId=ACCOUNT, BudgetName=budget, ActionId=action_id)["Action"]

    def tags(self, arn: str) -> list[dict[str, str]]:
        return self.budgets.list_tags_for_resource(ResourceARN=arn)["ResourceTags"]

    def test_create_then_describe_returns_the_action_in_standby(self) -> None:
        created = self.budgets.create_budget_action(**self.request())
        self.assertEqual(created["AccountId"], ACCOUNT)
        self.assertEqual(created["BudgetName"], "team-platform")
        self.assertRegex(created["ActionId"], f"^{UUID}$")
        request = self.request()
        self.assertEqual(
            self.describe(created["ActionId"]),
            {
                "ActionId": created["ActionId"],
                "BudgetName": "team-platform",
                "NotificationType": "ACTUAL",
                "ActionType": "APPLY_IAM_POLICY",
                "ActionThreshold": request["ActionThreshold"],
                "Definition": request["Definition"],
                "ExecutionRoleArn": ROLE_ARN,
                "ApprovalModel": "AUTOMATIC",
                "Status": "STANDBY",
                "Subscribers": [SNS, EMAIL],
            },
        )

    def test_actions_are_listed_per_budget_and_per_account_with_pagination(self) -> None:
        first, second = self.create(), self.create(NotificationType="FORECASTED")
        other = self.create(BudgetName="team-payments")
        listed = self.budgets.describe_budget_actions_for_budget(AccountId=ACCOUNT, BudgetName="team-platform")
        self.assertEqual([a["ActionId"] for a in listed["Actions"]], [first, second])
        page = self.budgets.describe_budget_actions_for_account(AccountId=ACCOUNT, MaxResults=2)
        rest = self.budgets.describe_budget_actions_for_account(AccountId=ACCOUNT, NextToken=page["NextToken"])
        self.assertEqual([a["ActionId"] for a in page["Actions"] + rest["Actions"]], [first, second, other])
        self.assertNotIn("NextToken", rest)
        self.assertError(
            "InvalidParameterException", self.budgets.describe_budget_actions_for_account, AccountId=ACCOUNT, MaxResults=101
        )
        self.assertError(
            "InvalidNextTokenException", self.budgets.describe_budget_actions_for_account, AccountId=ACCOUNT, NextToken="bad"
        )
        self.assertError(
            "NotFoundException", self.budgets.describe_budget_actions_for_budget, AccountId=ACCOUNT, BudgetName="nope"
        )

    def test_unknown_budget_or_action_raises_not_found(self) -> None:
        self.assertError("NotFoundException", self.create, BudgetName="nope")
        action_id = self.create()
        unknown = "0" * 8 + "-0000-0000-0000-" + "0" * 12
        args = {"AccountId": ACCOUNT, "BudgetName": "team-platform"}
        for call in (self.budgets.describe_budget_action, self.budgets.update_budget_action, self.budgets.delete_budget_action):
            with self.subTest(call=call.__name__):
                self.assertError("NotFoundException", call, **args, ActionId=unknown)
                # An action is found only on its own budget.
                self.assertError("NotFoundException", call, AccountId=ACCOUNT, BudgetName="team-payments", ActionId=action_id)
        self.assertError("InvalidParameterException", self.budgets.describe_budget_action, **args, ActionId="x" * 36)

    def test_invalid_parameters_raise_invalid_parameter(self) -> None:
        iam = {"PolicyArn": POLICY_ARN, "Roles": ["acme-developer"]}
        scp = {"PolicyId": "p-12345678", "TargetIds": [ACCOUNT]}
        cases = {
            "definition of another action type": {"Definition": {"ScpActionDefinition": scp}},
            "a second definition": {"Definition": {"IamActionDefinition": iam, "ScpActionDefinition": scp}},
            "policy ARN": {"Definition": {"IamActionDefinition": {**iam, "PolicyArn": "arn:aws:iam::123:policy/x"}}},
            "no role, group or user": {"Definition": {"IamActionDefinition": {"PolicyArn": POLICY_ARN}}},
            "threshold above the maximum": {
                "ActionThreshold": {"ActionThresholdValue": 2e13, "ActionThresholdType": "PERCENTAGE"}
            },
            "execution role ARN": {"ExecutionRoleArn": f"arn:aws:iam::{ACCOUNT}:user/acme-budget-actions"},
            "subscriber": {"Subscribers": [{"SubscriptionType": "EMAIL", "Address": "not-an-address"}]},
            "budget name": {"BudgetName": "a/action/b"},
        }
        for label, overrides in cases.items():
            with self.subTest(label):
                self.assertError("InvalidParameterException", self.create, **overrides)
        self.assertError("DuplicateRecordException", self.create, Subscribers=[EMAIL, EMAIL])
        self.assertEqual(self.budgets.describe_budget_actions_for_account(AccountId=ACCOUNT)["Actions"], [])

    def test_an_execution_role_budgets_cannot_assume_raises_access_denied(self) -> None:
        iam = client("iam")
        iam.create_role(RoleName="lambda-only", AssumeRolePolicyDocument=trust("lambda.amazonaws.com"))
        iam.create_role(RoleName="other-account", AssumeRolePolicyDocument=trust(account="210987654321"))
        payments = f"arn:aws:budgets::{ACCOUNT}:budget/team-payments"
        iam.create_role(RoleName="other-budget", AssumeRolePolicyDocument=trust(source_arn=payments))
        for name in ("missing", "lambda-only", "other-account", "other-budget"):
            with self.subTest(name):
                self.assertError("AccessDeniedException", self.create, ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}")
        # The source is the budget the action is on.
        self.create(BudgetName="team-payments", ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/other-budget")

    def test_update_changes_only_what_it_names(self) -> None:
        action_id = self.create()
        threshold = {"ActionThresholdValue": 90.0, "ActionThresholdType": "PERCENTAGE"}
        updated = self.budgets.update_budget_action(
            AccountId=ACCOUNT, BudgetName="team-platform", ActionId=action_id, ActionThreshold=threshold, Subscribers=[EMAIL]
        )
        self.assertEqual(updated["OldAction"]["ActionThreshold"]["ActionThresholdValue"], 100.0)
        self.assertEqual(updated["NewAction"], {**updated["OldAction"], "ActionThreshold": threshold, "Subscribers": [EMAIL]})
        self.assertEqual(self.describe(action_id), updated["NewAction"])
        # The definition must still be the action type's.
        self.assertError(
            "InvalidParameterException",
            self.budgets.update_budget_action,
            AccountId=ACCOUNT,
            BudgetName="team-platform",
            ActionId=action_id,
            Definition={
                "SsmActionDefinition": {"ActionSubType": "STOP_EC2_INSTANCES", "Region": REGION, "InstanceIds": ["i-12345678"]}
            },
        )

    def test_delete_returns_the_action_and_forgets_it(self) -> None:
        action_id = self.create()
        deleted = self.budgets.delete_budget_action(AccountId=ACCOUNT, BudgetName="team-platform", ActionId=action_id)
        self.assertEqual(deleted["Action"]["ActionId"], action_id)
        self.assertError("NotFoundException", self.describe, action_id)

    def test_tags_of_an_action(self) -> None:
        action_id = self.create(ResourceTags=[{"Key": "Project", "Value": "acme"}])
        arn = f"{BUDGET_ARN}/action/{action_id}"
        self.assertEqual(self.tags(arn), [{"Key": "Project", "Value": "acme"}])
        self.budgets.tag_resource(ResourceARN=arn, ResourceTags=[{"Key": "Owner", "Value": "platform"}])
        self.budgets.untag_resource(ResourceARN=arn, ResourceTagKeys=["Project"])
        self.assertEqual(self.tags(arn), [{"Key": "Owner", "Value": "platform"}])
        # The budget's own tags are separate.
        self.assertEqual(self.tags(BUDGET_ARN), [])
        self.assertError(
            "NotFoundException",
            self.budgets.list_tags_for_resource,
            ResourceARN=f"arn:aws:budgets::{ACCOUNT}:budget/team-payments/action/{action_id}",
        )

    def test_deleting_the_budget_deletes_its_actions(self) -> None:
        gone = self.create(ResourceTags=[{"Key": "Project", "Value": "acme"}])
        kept = self.create(BudgetName="team-payments")
        self.budgets.delete_budget(AccountId=ACCOUNT, BudgetName="team-platform")
        listed = self.budgets.describe_budget_actions_for_account(AccountId=ACCOUNT)["Actions"]
        self.assertEqual([a["ActionId"] for a in listed], [kept])
        self.assertError("NotFoundException", self.budgets.list_tags_for_resource, ResourceARN=f"{BUDGET_ARN}/action/{gone}")
        # A new budget of the same name starts without actions.
        budget = {"BudgetName": "team-platform", "BudgetLimit": {"Amount": "1", "Unit": "USD"}}
        self.budgets.create_budget(AccountId=ACCOUNT, Budget={**budget, "TimeUnit": "MONTHLY", "BudgetType": "COST"})
        self.assertEqual(
            self.budgets.describe_budget_actions_for_budget(AccountId=ACCOUNT, BudgetName="team-platform")["Actions"], []
        )


if __name__ == "__main__":
    unittest.main()
