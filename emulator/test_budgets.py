"""Tests of the AWS Budgets extensions (ext_budgets.py): notifications, subscribers, tags,
UpdateBudget and AWS's errors.

Run: python3 -m unittest test_budgets (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
from typing import Any

from testing_support import ACCOUNT, REGION, EmulatorTestCase, client

NOTIFICATION = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0, "ThresholdType": "PERCENTAGE"}
EMAIL = {"SubscriptionType": "EMAIL", "Address": "finops@example.com"}
SNS = {"SubscriptionType": "SNS", "Address": f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"}
BUDGET_ARN = f"arn:aws:budgets::{ACCOUNT}:budget/team-platform"


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


if __name__ == "__main__":
    unittest.main()
