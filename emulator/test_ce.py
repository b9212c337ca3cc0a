"""Tests of the AWS Cost Explorer extensions (ext_ce.py): anomaly monitors and subscriptions,
their tags, cost allocation tags (GetCostAndUsage and the bill: test_ce_usage.py, test_billing.py).

Run: python3 -m unittest test_ce (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
from typing import Any

from botocore.exceptions import ClientError

from testing_support import ACCOUNT, EmulatorTestCase, client, set_clock


class CostExplorerTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ce = client("ce")

    def monitor(self, name: str = "service", **kwargs: Any) -> str:
        return self.ce.create_anomaly_monitor(
            AnomalyMonitor={"MonitorName": name, "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE"}, **kwargs
        )["MonitorArn"]

    def subscription(self, monitor_arn: str, **kwargs: Any) -> str:
        return self.ce.create_anomaly_subscription(
            AnomalySubscription={
                "MonitorArnList": [monitor_arn],
                "Subscribers": [{"Type": "EMAIL", "Address": "finops@example.com"}],
                "Frequency": "DAILY",
                "SubscriptionName": "daily",
                "Threshold": 100,
            },
            **kwargs,
        )["SubscriptionArn"]

    def test_monitor_lifecycle(self) -> None:
        arn = self.monitor()
        self.assertRegex(arn, rf"arn:aws:ce::{ACCOUNT}:anomalymonitor/[0-9a-f-]{{36}}")
        monitors = self.ce.get_anomaly_monitors(MonitorArnList=[arn])["AnomalyMonitors"]
        self.assertEqual(monitors[0]["MonitorName"], "service")
        self.assertEqual(monitors[0]["MonitorDimension"], "SERVICE")
        self.ce.update_anomaly_monitor(MonitorArn=arn, MonitorName="renamed")
        self.assertEqual(self.ce.get_anomaly_monitors(MonitorArnList=[arn])["AnomalyMonitors"][0]["MonitorName"], "renamed")
        self.ce.delete_anomaly_monitor(MonitorArn=arn)
        self.assertError("UnknownMonitorException", self.ce.get_anomaly_monitors, MonitorArnList=[arn])

    def test_unknown_monitor_raises_unknown_monitor(self) -> None:
        unknown = f"arn:aws:ce::{ACCOUNT}:anomalymonitor/00000000-0000-0000-0000-000000000000"
        self.assertError("UnknownMonitorException", self.ce.update_anomaly_monitor, MonitorArn=unknown, MonitorName="x")
        self.assertError("UnknownMonitorException", self.ce.delete_anomaly_monitor, MonitorArn=unknown)
        self.assertError("UnknownMonitorException", self.subscription, unknown)

    def test_monitors_paginate(self) -> None:
        arns = {self.monitor(f"m{i}") for i in range(3)}
        first = self.ce.get_anomaly_monitors(MaxResults=2)
        self.assertEqual(len(first["AnomalyMonitors"]), 2)
        second = self.ce.get_anomaly_monitors(MaxResults=2, NextPageToken=first["NextPageToken"])
        self.assertNotIn("NextPageToken", second)
        self.assertEqual({m["MonitorArn"] for m in first["AnomalyMonitors"] + second["AnomalyMonitors"]}, arns)

    def test_subscription_lifecycle(self) -> None:
        monitor = self.monitor()
        arn = self.subscription(monitor)
        self.assertRegex(arn, rf"arn:aws:ce::{ACCOUNT}:anomalysubscription/[0-9a-f-]{{36}}")
        found = self.ce.get_anomaly_subscriptions(SubscriptionArnList=[arn])["AnomalySubscriptions"][0]
        self.assertEqual(found["MonitorArnList"], [monitor])
        self.assertEqual(found["AccountId"], ACCOUNT)
        self.ce.update_anomaly_subscription(SubscriptionArn=arn, Frequency="WEEKLY", Threshold=250)
        found = self.ce.get_anomaly_subscriptions(MonitorArn=monitor)["AnomalySubscriptions"][0]
        self.assertEqual((found["Frequency"], found["Threshold"]), ("WEEKLY", 250.0))
        self.ce.delete_anomaly_subscription(SubscriptionArn=arn)
        self.assertError("UnknownSubscriptionException", self.ce.get_anomaly_subscriptions, SubscriptionArnList=[arn])
        self.assertError("UnknownSubscriptionException", self.ce.delete_anomaly_subscription, SubscriptionArn=arn)

    def test_immediate_subscription_requires_sns_subscribers(self) -> None:
        monitor = self.monitor()
        with self.assertRaises(ClientError):
            self.ce.create_anomaly_subscription(
                AnomalySubscription={
                    "MonitorArnList": [monitor],
                    "Subscribers": [{"Type": "EMAIL", "Address": "finops@example.com"}],
                    "Frequency": "IMMEDIATE",
                    "SubscriptionName": "now",
                    "Threshold": 1,
                }
            )

    def test_tags_round_trip_and_unknown_resource(self) -> None:
        arn = self.monitor(ResourceTags=[{"Key": "Project", "Value": "x"}])
        self.assertEqual(self.ce.list_tags_for_resource(ResourceArn=arn)["ResourceTags"], [{"Key": "Project", "Value": "x"}])
        self.ce.tag_resource(ResourceArn=arn, ResourceTags=[{"Key": "Team", "Value": "platform"}])
        self.ce.untag_resource(ResourceArn=arn, ResourceTagKeys=["Project"])
        self.assertEqual(self.ce.list_tags_for_resource(ResourceArn=arn)["ResourceTags"], [{"Key": "Team", "Value": "platform"}])
        self.ce.delete_anomaly_monitor(MonitorArn=arn)
        self.assertError("ResourceNotFoundException", self.ce.list_tags_for_resource, ResourceArn=arn)

    def test_cost_allocation_tags_activate_list_and_deactivate(self) -> None:
        result = self.ce.update_cost_allocation_tags_status(
            CostAllocationTagsStatus=[{"TagKey": "Team", "Status": "Active"}, {"TagKey": "User", "Status": "Active"}]
        )
        self.assertEqual(result["Errors"], [])
        tags = self.ce.list_cost_allocation_tags(TagKeys=["Team"])["CostAllocationTags"]
        self.assertEqual([(t["TagKey"], t["Type"], t["Status"]) for t in tags], [("Team", "UserDefined", "Active")])
        self.ce.update_cost_allocation_tags_status(CostAllocationTagsStatus=[{"TagKey": "User", "Status": "Inactive"}])
        active = self.ce.list_cost_allocation_tags(Status="Active")["CostAllocationTags"]
        self.assertEqual([t["TagKey"] for t in active], ["Team"])

    def test_cost_allocation_tag_updates_are_dated_by_the_emulator_clock(self) -> None:
        set_clock("2027-05-04T03:02:01Z")
        try:
            self.ce.update_cost_allocation_tags_status(CostAllocationTagsStatus=[{"TagKey": "User", "Status": "Active"}])
        finally:
            set_clock(None)
        tag = self.ce.list_cost_allocation_tags(TagKeys=["User"])["CostAllocationTags"][0]
        self.assertEqual(tag["LastUpdatedDate"][:16], "2027-05-04T03:02")


if __name__ == "__main__":
    unittest.main()
