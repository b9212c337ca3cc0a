"""Tests of the emulator extensions, through boto3 against a real server.

Run: python3 -m unittest discover -s scripts/emulator -p 'test_*.py'

One server (server.py on a free port) is started for the module and always
stopped at the end; every test case resets moto's state first.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
ACCOUNT = "123456789012"
REGION = "us-east-1"
SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
SONNET_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/{SONNET}"
US_REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2"]
APP_PROFILE_ARN = re.compile(rf"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/[a-z0-9]{{12}}")


def start_server(port_file: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "server.py"), "--port", "0", "--port-file", str(port_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if port_file.exists() and port_file.read_text().strip():
            return proc
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stdout.read().decode() if proc.stdout else ''}")
        time.sleep(0.05)
    stop_server(proc)
    raise RuntimeError("server did not start within 30 s")


def read_ports(port_file: Path) -> tuple[int, int]:
    """(main port, Bedrock Runtime port) from server.py's port file (two lines)."""
    main, runtime = port_file.read_text().split()[:2]
    return int(main), int(runtime)


def stop_server(proc: subprocess.Popen[bytes]) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout:
        proc.stdout.close()
    return proc.returncode


class ModuleServer:
    """One emulator (server.py on free ports) for a test module: ``start()`` in setUpModule,
    ``stop()`` in tearDownModule; ``endpoint`` and ``runtime`` are its two addresses."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self.endpoint = ""
        self.runtime = ""

    def start(self) -> "ModuleServer":
        self._tmp = tempfile.TemporaryDirectory(prefix=self.prefix)
        port_file = Path(self._tmp.name) / "port"
        self._proc = start_server(port_file)
        port, runtime_port = read_ports(port_file)
        self.endpoint = f"http://127.0.0.1:{port}"
        self.runtime = f"http://127.0.0.1:{runtime_port}"
        return self

    def stop(self) -> None:
        if self._proc is not None:
            stop_server(self._proc)
        if self._tmp is not None:
            self._tmp.cleanup()


_server = ModuleServer("ccb-emulator-test-")
ENDPOINT = ""


def setUpModule() -> None:
    global ENDPOINT
    ENDPOINT = _server.start().endpoint


def tearDownModule() -> None:
    _server.stop()


def client(service: str, region: str = REGION) -> Any:
    return boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


class EmulatorTestCase(unittest.TestCase):
    def setUp(self) -> None:
        request = urllib.request.Request(f"{ENDPOINT}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            self.assertEqual(response.status, 200)

    def assertError(self, code: str, fn: Any, *args: Any, **kwargs: Any) -> ClientError:
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(ctx.exception.response["Error"]["Code"], code, ctx.exception.response)
        return ctx.exception


# --------------------------------------------------------------------------- Bedrock


class BedrockInferenceProfileTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.bedrock = client("bedrock")

    def create(self, name: str = "jane_doe-sonnet", copy_from: str = SONNET_ARN, **kwargs: Any) -> dict[str, Any]:
        return self.bedrock.create_inference_profile(
            inferenceProfileName=name, modelSource={"copyFrom": copy_from}, **kwargs
        )

    def test_create_returns_application_profile_arn_and_active_status(self) -> None:
        response = self.create()
        self.assertRegex(response["inferenceProfileArn"], APP_PROFILE_ARN)
        self.assertEqual(response["status"], "ACTIVE")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 201)

    def test_get_by_arn_and_by_id_return_the_same_application_profile(self) -> None:
        arn = self.create(description="Claude Code for jane")["inferenceProfileArn"]
        by_arn = self.bedrock.get_inference_profile(inferenceProfileIdentifier=arn)
        by_id = self.bedrock.get_inference_profile(inferenceProfileIdentifier=arn.split("/")[-1])
        for profile in (by_arn, by_id):
            self.assertEqual(profile["inferenceProfileArn"], arn)
            self.assertEqual(profile["inferenceProfileName"], "jane_doe-sonnet")
            self.assertEqual(profile["description"], "Claude Code for jane")
            self.assertEqual(profile["type"], "APPLICATION")
            self.assertEqual(profile["status"], "ACTIVE")
            self.assertEqual(profile["inferenceProfileId"], arn.split("/")[-1])

    def test_profile_copied_from_us_system_profile_lists_the_us_region_models(self) -> None:
        arn = self.create()["inferenceProfileArn"]
        models = self.bedrock.get_inference_profile(inferenceProfileIdentifier=arn)["models"]
        expected = [
            {"modelArn": f"arn:aws:bedrock:{r}::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0"}
            for r in US_REGIONS
        ]
        self.assertEqual(models, expected)

    def test_profile_copied_from_foundation_model_has_that_single_model(self) -> None:
        model_arn = f"arn:aws:bedrock:{REGION}::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0"
        arn = self.create(copy_from=model_arn)["inferenceProfileArn"]
        profile = self.bedrock.get_inference_profile(inferenceProfileIdentifier=arn)
        self.assertEqual(profile["models"], [{"modelArn": model_arn}])

    def test_duplicate_name_raises_conflict_exception(self) -> None:
        self.create()
        self.assertError("ConflictException", self.create)

    def test_names_outside_the_documented_pattern_raise_validation_exception(self) -> None:
        for name in ["jane.doe", "jane@example.com", "a__b", "a- b", "-leading", "x" * 65, "émile"]:
            with self.subTest(name=name):
                self.assertError("ValidationException", self.create, name=name)

    def test_names_inside_the_pattern_are_accepted(self) -> None:
        for name in ["a", "Jane Doe", "jane_doe-sonnet-4", "trailing_", "x" * 64]:
            with self.subTest(name=name):
                self.assertRegex(self.create(name=name)["inferenceProfileArn"], APP_PROFILE_ARN)

    def test_copy_from_must_be_a_system_profile_or_foundation_model_arn(self) -> None:
        app_arn = self.create()["inferenceProfileArn"]
        for source in [app_arn, SONNET, "arn:aws:s3:::bucket"]:
            with self.subTest(source=source):
                self.assertError("ValidationException", self.create, name="other", copy_from=source)

    def test_copy_from_unknown_system_profile_raises_resource_not_found(self) -> None:
        unknown = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/us.anthropic.claude-nonexistent-v9"
        self.assertError("ResourceNotFoundException", self.create, copy_from=unknown)

    def test_copy_from_profile_of_another_geography_raises_resource_not_found(self) -> None:
        eu = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0"
        self.assertError("ResourceNotFoundException", self.create, copy_from=eu)

    def test_get_unknown_id_or_arn_raises_resource_not_found(self) -> None:
        for identifier in ["abcdefghijkl", f"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/abcdefghijkl"]:
            with self.subTest(identifier=identifier):
                error = self.assertError(
                    "ResourceNotFoundException", self.bedrock.get_inference_profile, inferenceProfileIdentifier=identifier
                )
                self.assertEqual(error.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_delete_removes_the_profile(self) -> None:
        arn = self.create()["inferenceProfileArn"]
        self.bedrock.delete_inference_profile(inferenceProfileIdentifier=arn)
        self.assertError("ResourceNotFoundException", self.bedrock.get_inference_profile, inferenceProfileIdentifier=arn)
        self.assertError("ResourceNotFoundException", self.bedrock.delete_inference_profile, inferenceProfileIdentifier=arn)

    def test_deleted_name_can_be_reused(self) -> None:
        arn = self.create()["inferenceProfileArn"]
        self.bedrock.delete_inference_profile(inferenceProfileIdentifier=arn)
        self.assertNotEqual(self.create()["inferenceProfileArn"], arn)

    def test_get_system_profile_by_id_and_arn(self) -> None:
        for identifier in [SONNET, SONNET_ARN]:
            with self.subTest(identifier=identifier):
                profile = self.bedrock.get_inference_profile(inferenceProfileIdentifier=identifier)
                self.assertEqual(profile["type"], "SYSTEM_DEFINED")
                self.assertEqual(profile["inferenceProfileId"], SONNET)
                self.assertEqual(profile["inferenceProfileArn"], SONNET_ARN)
                self.assertEqual(
                    [m["modelArn"].split(":")[3] for m in profile["models"]], US_REGIONS
                )

    def test_system_profile_cannot_be_deleted(self) -> None:
        self.assertError("ValidationException", self.bedrock.delete_inference_profile, inferenceProfileIdentifier=SONNET)

    def test_list_without_type_returns_only_system_profiles(self) -> None:
        self.create()
        summaries = self.bedrock.list_inference_profiles()["inferenceProfileSummaries"]
        self.assertTrue(summaries)
        self.assertEqual({s["type"] for s in summaries}, {"SYSTEM_DEFINED"})
        self.assertIn(SONNET, [s["inferenceProfileId"] for s in summaries])

    def test_list_type_application_returns_only_application_profiles(self) -> None:
        arn = self.create()["inferenceProfileArn"]
        summaries = self.bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
        self.assertEqual([s["inferenceProfileArn"] for s in summaries], [arn])

    def test_list_paginates_with_max_results_and_next_token(self) -> None:
        arns = {self.create(name=f"dev{i}")["inferenceProfileArn"] for i in range(5)}
        seen: list[str] = []
        pages = 0
        kwargs: dict[str, Any] = {"typeEquals": "APPLICATION", "maxResults": 2}
        while True:
            page = self.bedrock.list_inference_profiles(**kwargs)
            pages += 1
            self.assertLessEqual(len(page["inferenceProfileSummaries"]), 2)
            seen += [s["inferenceProfileArn"] for s in page["inferenceProfileSummaries"]]
            if "nextToken" not in page:
                break
            kwargs["nextToken"] = page["nextToken"]
        self.assertEqual(pages, 3)
        self.assertEqual(sorted(seen), sorted(arns))

    def test_list_with_invalid_token_raises_validation_exception(self) -> None:
        self.assertError(
            "ValidationException", self.bedrock.list_inference_profiles, typeEquals="APPLICATION", nextToken="garbage!"
        )

    def test_tags_round_trip(self) -> None:
        arn = self.create(tags=[{"key": "User", "value": "jane.doe@example.com"}, {"key": "Team", "value": "platform"}])[
            "inferenceProfileArn"
        ]
        tags = self.bedrock.list_tags_for_resource(resourceARN=arn)["tags"]
        self.assertEqual(
            sorted(tags, key=lambda t: t["key"]),
            [{"key": "Team", "value": "platform"}, {"key": "User", "value": "jane.doe@example.com"}],
        )
        self.bedrock.tag_resource(resourceARN=arn, tags=[{"key": "CostCenter", "value": "CC-100"}, {"key": "Team", "value": "ml"}])
        self.bedrock.untag_resource(resourceARN=arn, tagKeys=["User"])
        tags = self.bedrock.list_tags_for_resource(resourceARN=arn)["tags"]
        self.assertEqual(
            sorted(tags, key=lambda t: t["key"]), [{"key": "CostCenter", "value": "CC-100"}, {"key": "Team", "value": "ml"}]
        )

    def test_tagging_unknown_or_deleted_profile_raises_resource_not_found(self) -> None:
        arn = self.create()["inferenceProfileArn"]
        self.bedrock.delete_inference_profile(inferenceProfileIdentifier=arn)
        self.assertError("ResourceNotFoundException", self.bedrock.list_tags_for_resource, resourceARN=arn)
        self.assertError("ResourceNotFoundException", self.bedrock.tag_resource, resourceARN=arn, tags=[{"key": "a", "value": "b"}])
        self.assertError("ResourceNotFoundException", self.bedrock.untag_resource, resourceARN=arn, tagKeys=["a"])

    def test_more_than_50_tags_raise_too_many_tags(self) -> None:
        tags = [{"key": f"k{i}", "value": "v"} for i in range(51)]
        self.assertError("TooManyTagsException", self.create, tags=tags)

    def test_profiles_are_isolated_per_region(self) -> None:
        arn = self.create()["inferenceProfileArn"]
        west = client("bedrock", "us-west-2")
        self.assertEqual(west.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"], [])
        self.assertError("ResourceNotFoundException", west.get_inference_profile, inferenceProfileIdentifier=arn)


class BedrockGuardrailAndLoggingTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.bedrock = client("bedrock")

    def create_guardrail(self, name: str = "guard") -> dict[str, Any]:
        return self.bedrock.create_guardrail(
            name=name,
            blockedInputMessaging="blocked",
            blockedOutputsMessaging="blocked",
            contentPolicyConfig={"filtersConfig": [{"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH"}]},
            tags=[{"key": "Project", "value": "x"}],
        )

    def test_guardrail_create_get_version_delete(self) -> None:
        created = self.create_guardrail()
        self.assertRegex(created["guardrailArn"], rf"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/[a-z0-9]+")
        self.assertEqual(created["version"], "DRAFT")
        draft = self.bedrock.get_guardrail(guardrailIdentifier=created["guardrailId"])
        self.assertEqual(draft["status"], "READY")
        self.assertEqual(draft["contentPolicy"]["filters"][0]["type"], "HATE")
        version = self.bedrock.create_guardrail_version(guardrailIdentifier=created["guardrailArn"], description="v1")
        self.assertEqual(version["version"], "1")
        self.assertEqual(
            self.bedrock.get_guardrail(guardrailIdentifier=created["guardrailId"], guardrailVersion="1")["description"], "v1"
        )
        self.assertEqual(
            self.bedrock.list_tags_for_resource(resourceARN=created["guardrailArn"])["tags"], [{"key": "Project", "value": "x"}]
        )
        self.bedrock.delete_guardrail(guardrailIdentifier=created["guardrailId"])
        self.assertError("ResourceNotFoundException", self.bedrock.get_guardrail, guardrailIdentifier=created["guardrailId"])

    def test_guardrail_duplicate_name_raises_conflict(self) -> None:
        self.create_guardrail()
        self.assertError("ConflictException", self.create_guardrail)

    def test_unknown_guardrail_version_raises_resource_not_found(self) -> None:
        guardrail_id = self.create_guardrail()["guardrailId"]
        self.assertError(
            "ResourceNotFoundException", self.bedrock.get_guardrail, guardrailIdentifier=guardrail_id, guardrailVersion="7"
        )

    def test_logging_configuration_absent_put_get_delete(self) -> None:
        self.assertNotIn("loggingConfig", self.bedrock.get_model_invocation_logging_configuration())
        config = {"s3Config": {"bucketName": "logs", "keyPrefix": "bedrock"}, "textDataDeliveryEnabled": True}
        self.bedrock.put_model_invocation_logging_configuration(loggingConfig=config)
        self.assertEqual(self.bedrock.get_model_invocation_logging_configuration()["loggingConfig"], config)
        self.bedrock.delete_model_invocation_logging_configuration()
        self.assertNotIn("loggingConfig", self.bedrock.get_model_invocation_logging_configuration())


# --------------------------------------------------------------------------- Budgets


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


# --------------------------------------------------------------------------- Cost Explorer


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


# --------------------------------------------------------------------------- Athena


class AthenaTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.athena = client("athena")
        self.athena.create_work_group(
            Name="logs",
            Configuration={
                "EnforceWorkGroupConfiguration": True,
                "BytesScannedCutoffPerQuery": 10_000_000_000,
                "ResultConfiguration": {"OutputLocation": "s3://results/", "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}},
            },
        )
        self.arn = f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/logs"

    def test_untagged_workgroup_lists_empty_tags(self) -> None:
        self.assertEqual(self.athena.list_tags_for_resource(ResourceARN=self.arn)["Tags"], [])

    def test_tags_of_unknown_workgroup_raise_resource_not_found(self) -> None:
        self.assertError(
            "ResourceNotFoundException",
            self.athena.list_tags_for_resource,
            ResourceARN=f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/nope",
        )

    def test_update_work_group_applies_configuration_updates(self) -> None:
        self.athena.update_work_group(
            WorkGroup="logs",
            Description="updated",
            ConfigurationUpdates={
                "PublishCloudWatchMetricsEnabled": True,
                "RemoveBytesScannedCutoffPerQuery": True,
                "ResultConfigurationUpdates": {"OutputLocation": "s3://results/v2/"},
            },
            State="DISABLED",
        )
        workgroup = self.athena.get_work_group(WorkGroup="logs")["WorkGroup"]
        configuration = workgroup["Configuration"]
        self.assertEqual(workgroup["Description"], "updated")
        self.assertEqual(workgroup["State"], "DISABLED")
        self.assertTrue(configuration["PublishCloudWatchMetricsEnabled"])
        self.assertNotIn("BytesScannedCutoffPerQuery", configuration)
        self.assertEqual(configuration["ResultConfiguration"]["OutputLocation"], "s3://results/v2/")
        self.assertEqual(configuration["ResultConfiguration"]["EncryptionConfiguration"], {"EncryptionOption": "SSE_S3"})

    def test_unknown_workgroup_raises_invalid_request_is_not_found(self) -> None:
        error = self.assertError("InvalidRequestException", self.athena.get_work_group, WorkGroup="nope")
        self.assertIn("is not found", error.response["Error"]["Message"])
        self.assertError("InvalidRequestException", self.athena.update_work_group, WorkGroup="nope", Description="x")

    def test_delete_named_query(self) -> None:
        query_id = self.athena.create_named_query(Name="q", Database="db", QueryString="SELECT 1", WorkGroup="logs")["NamedQueryId"]
        self.athena.delete_named_query(NamedQueryId=query_id)
        error = self.assertError("InvalidRequestException", self.athena.get_named_query, NamedQueryId=query_id)
        self.assertIn("does not exist", error.response["Error"]["Message"])
        self.assertError("InvalidRequestException", self.athena.delete_named_query, NamedQueryId=query_id)

    def test_delete_workgroup_with_queries_needs_recursive_option(self) -> None:
        self.athena.create_named_query(Name="q", Database="db", QueryString="SELECT 1", WorkGroup="logs")
        self.assertError("InvalidRequestException", self.athena.delete_work_group, WorkGroup="logs")
        self.athena.delete_work_group(WorkGroup="logs", RecursiveDeleteOption=True)
        self.assertError("InvalidRequestException", self.athena.get_work_group, WorkGroup="logs")


# --------------------------------------------------------------------------- CloudTrail


class CloudTrailTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        client("s3").create_bucket(Bucket="trail-logs")
        self.cloudtrail = client("cloudtrail")
        self.arn = self.cloudtrail.create_trail(Name="audit", S3BucketName="trail-logs", IsMultiRegionTrail=True)["TrailARN"]

    def test_start_stop_and_status_by_arn(self) -> None:
        self.cloudtrail.start_logging(Name=self.arn)
        self.assertTrue(self.cloudtrail.get_trail_status(Name=self.arn)["IsLogging"])
        self.cloudtrail.stop_logging(Name=self.arn)
        self.assertFalse(self.cloudtrail.get_trail_status(Name="audit")["IsLogging"])

    def test_delete_by_arn_removes_the_trail(self) -> None:
        self.cloudtrail.delete_trail(Name=self.arn)
        self.assertError("TrailNotFoundException", self.cloudtrail.get_trail, Name="audit")
        self.assertError("TrailNotFoundException", self.cloudtrail.delete_trail, Name=self.arn)

    def test_unknown_trail_raises_trail_not_found(self) -> None:
        unknown = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/nope"
        for call in (self.cloudtrail.start_logging, self.cloudtrail.stop_logging, self.cloudtrail.delete_trail):
            with self.subTest(call=call.__name__):
                self.assertError("TrailNotFoundException", call, Name=unknown)

    def test_duplicate_trail_raises_already_exists(self) -> None:
        self.assertError("TrailAlreadyExistsException", self.cloudtrail.create_trail, Name="audit", S3BucketName="trail-logs")

    def test_describe_trails_filters_by_name_or_arn(self) -> None:
        other = self.cloudtrail.create_trail(Name="other", S3BucketName="trail-logs")["TrailARN"]
        by_arn = self.cloudtrail.describe_trails(trailNameList=[self.arn])["trailList"]
        self.assertEqual([t["TrailARN"] for t in by_arn], [self.arn])
        by_name = self.cloudtrail.describe_trails(trailNameList=["other"])["trailList"]
        self.assertEqual([t["TrailARN"] for t in by_name], [other])
        self.assertEqual(self.cloudtrail.describe_trails(trailNameList=["nope"])["trailList"], [])
        everything = self.cloudtrail.describe_trails()["trailList"]
        self.assertEqual(sorted(t["Name"] for t in everything), ["audit", "other"])

    def test_start_logging_outside_home_region_raises_invalid_home_region(self) -> None:
        west = client("cloudtrail", "us-west-2")
        self.assertFalse(west.get_trail_status(Name=self.arn)["IsLogging"])
        self.assertError("InvalidHomeRegionException", west.start_logging, Name=self.arn)


# --------------------------------------------------------------------------- IAM


class IamTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.iam = client("iam")
        self.iam.create_user(UserName="jane")

    def test_bedrock_service_specific_credential_lifecycle(self) -> None:
        created = self.iam.create_service_specific_credential(
            UserName="jane", ServiceName="bedrock.amazonaws.com", CredentialAgeDays=30
        )["ServiceSpecificCredential"]
        self.assertRegex(created["ServiceSpecificCredentialId"], r"^ACCA[A-Z0-9]{17}$")
        self.assertEqual(created["ServiceCredentialAlias"], f"jane-at-{ACCOUNT}")
        self.assertTrue(created["ServiceCredentialSecret"].startswith("ABSK"))
        self.assertEqual((created["ExpirationDate"] - created["CreateDate"]).days, 30)
        listed = self.iam.list_service_specific_credentials(UserName="jane")["ServiceSpecificCredentials"]
        self.assertEqual([c["ServiceSpecificCredentialId"] for c in listed], [created["ServiceSpecificCredentialId"]])
        self.assertNotIn("ServiceCredentialSecret", listed[0])
        self.iam.delete_service_specific_credential(UserName="jane", ServiceSpecificCredentialId=created["ServiceSpecificCredentialId"])
        self.assertEqual(self.iam.list_service_specific_credentials(UserName="jane")["ServiceSpecificCredentials"], [])

    def test_codecommit_credential_has_user_name_and_password(self) -> None:
        created = self.iam.create_service_specific_credential(UserName="jane", ServiceName="codecommit.amazonaws.com")[
            "ServiceSpecificCredential"
        ]
        self.assertEqual(created["ServiceUserName"], f"jane-at-{ACCOUNT}")
        self.assertTrue(created["ServicePassword"])

    def test_errors(self) -> None:
        self.assertError("NotSupportedService", self.iam.create_service_specific_credential, UserName="jane", ServiceName="s3.amazonaws.com")
        self.assertError("NoSuchEntity", self.iam.create_service_specific_credential, UserName="bob", ServiceName="bedrock.amazonaws.com")
        self.assertError(
            "NoSuchEntity", self.iam.delete_service_specific_credential, UserName="jane", ServiceSpecificCredentialId="ACCA" + "X" * 17
        )
        for _ in range(2):
            self.iam.create_service_specific_credential(UserName="jane", ServiceName="bedrock.amazonaws.com")
        self.assertError("LimitExceeded", self.iam.create_service_specific_credential, UserName="jane", ServiceName="bedrock.amazonaws.com")
        self.assertError("DeleteConflict", self.iam.delete_user, UserName="jane")

    def test_policy_size_quotas(self) -> None:
        self.iam.create_role(RoleName="dev", AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[]}')

        def document(size: int) -> str:
            """A valid policy of at least ``size`` non-whitespace characters."""
            resources: list[str] = []
            while True:
                text = (
                    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":['
                    + ",".join(resources)
                    + "]}]}"
                )
                if len(text) >= size:
                    return text
                resources.append(f'"arn:aws:s3:::bucket-{len(resources):05d}"')

        # Inline policies of a role share a 10,240-character quota.
        self.iam.put_role_policy(RoleName="dev", PolicyName="small", PolicyDocument=document(5000))
        self.assertError("LimitExceeded", self.iam.put_role_policy, RoleName="dev", PolicyName="big", PolicyDocument=document(5300))
        self.iam.put_role_policy(RoleName="dev", PolicyName="fits", PolicyDocument=document(5000))
        # A managed policy may hold 6,144 characters.
        self.assertError("LimitExceeded", self.iam.create_policy, PolicyName="managed", PolicyDocument=document(6200))
        self.iam.create_policy(PolicyName="managed", PolicyDocument=document(6100))


# --------------------------------------------------------------------------- CloudWatch Logs


class LogsQueryDefinitionTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.logs = client("logs")

    def put(self, name: str, **kwargs: Any) -> str:
        return self.logs.put_query_definition(name=name, queryString="fields @timestamp | limit 5", **kwargs)[
            "queryDefinitionId"
        ]

    def test_put_describe_update_delete(self) -> None:
        definition_id = self.put("bedrock/usage-by-caller", logGroupNames=["/aws/bedrock/invocations"])
        found = self.logs.describe_query_definitions(queryDefinitionNamePrefix="bedrock/")["queryDefinitions"]
        self.assertEqual([d["queryDefinitionId"] for d in found], [definition_id])
        self.assertEqual(found[0]["logGroupNames"], ["/aws/bedrock/invocations"])
        self.assertEqual(self.put("bedrock/renamed", queryDefinitionId=definition_id), definition_id)
        found = self.logs.describe_query_definitions(queryDefinitionNamePrefix="bedrock/")["queryDefinitions"]
        self.assertEqual([d["name"] for d in found], ["bedrock/renamed"])
        self.assertTrue(self.logs.delete_query_definition(queryDefinitionId=definition_id)["success"])
        self.assertEqual(self.logs.describe_query_definitions()["queryDefinitions"], [])

    def test_unknown_definition_raises_resource_not_found(self) -> None:
        self.assertError("ResourceNotFoundException", self.logs.delete_query_definition, queryDefinitionId="nope")
        self.assertError("ResourceNotFoundException", self.put, "x", queryDefinitionId="nope")

    def test_describe_filters_by_prefix_and_paginates(self) -> None:
        ids = {self.put(f"team/q{i}") for i in range(3)}
        self.put("other/q")
        first = self.logs.describe_query_definitions(queryDefinitionNamePrefix="team/", maxResults=2)
        second = self.logs.describe_query_definitions(
            queryDefinitionNamePrefix="team/", maxResults=2, nextToken=first["nextToken"]
        )
        self.assertNotIn("nextToken", second)
        found = {d["queryDefinitionId"] for d in first["queryDefinitions"] + second["queryDefinitions"]}
        self.assertEqual(found, ids)


# --------------------------------------------------------------------------- SSO Admin


class SsoAdminTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sso = client("sso-admin")
        self.instance = self.sso.list_instances()["Instances"][0]["InstanceArn"]

    def create(self, **kwargs: Any) -> str:
        return self.sso.create_permission_set(Name="Developer", InstanceArn=self.instance, **kwargs)["PermissionSet"][
            "PermissionSetArn"
        ]

    def test_permission_set_arn_has_the_aws_format(self) -> None:
        instance_id = self.instance.split("/")[-1]
        self.assertRegex(self.create(), rf"^arn:aws:sso:::permissionSet/{instance_id}/ps-[0-9a-f]{{16}}$")

    def test_tags_round_trip_and_unknown_resource(self) -> None:
        arn = self.create(Tags=[{"Key": "Project", "Value": "x"}])
        args = {"InstanceArn": self.instance, "ResourceArn": arn}
        self.assertEqual(self.sso.list_tags_for_resource(**args)["Tags"], [{"Key": "Project", "Value": "x"}])
        self.sso.tag_resource(**args, Tags=[{"Key": "Team", "Value": "platform"}])
        self.sso.untag_resource(**args, TagKeys=["Project"])
        self.assertEqual(self.sso.list_tags_for_resource(**args)["Tags"], [{"Key": "Team", "Value": "platform"}])
        self.sso.delete_permission_set(InstanceArn=self.instance, PermissionSetArn=arn)
        self.assertError("ResourceNotFoundException", self.sso.list_tags_for_resource, **args)

    def test_provisioning_status_by_request_id(self) -> None:
        arn = self.create()
        status = self.sso.provision_permission_set(InstanceArn=self.instance, PermissionSetArn=arn, TargetType="ALL_PROVISIONED_ACCOUNTS")[
            "PermissionSetProvisioningStatus"
        ]
        described = self.sso.describe_permission_set_provisioning_status(
            InstanceArn=self.instance, ProvisionPermissionSetRequestId=status["RequestId"]
        )["PermissionSetProvisioningStatus"]
        self.assertEqual((described["Status"], described["PermissionSetArn"]), ("SUCCEEDED", arn))
        self.assertError(
            "ResourceNotFoundException",
            self.sso.describe_permission_set_provisioning_status,
            InstanceArn=self.instance,
            ProvisionPermissionSetRequestId="00000000-0000-0000-0000-000000000000",
        )


# --------------------------------------------------------------------------- S3 bucket policies


class S3BucketPolicyTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.s3 = client("s3")
        self.s3.create_bucket(Bucket="logs")

    def policy(self, *statements: dict[str, Any]) -> None:
        import json

        self.s3.put_bucket_policy(Bucket="logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))

    def test_tls_only_deny_does_not_block_requests(self) -> None:
        self.policy(
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        )
        self.s3.put_object(Bucket="logs", Key="a.json", Body=b"{}")
        self.assertEqual(self.s3.get_object(Bucket="logs", Key="a.json")["Body"].read(), b"{}")

    def test_deny_with_negated_operator_on_an_absent_key_applies(self) -> None:
        # AWS: a negated condition operator matches when the key is absent from the request.
        self.policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::logs/*",
                "Condition": {"StringNotEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            }
        )
        with self.assertRaises(ClientError):
            self.s3.put_object(Bucket="logs", Key="a.json", Body=b"{}")

    def test_unconditional_deny_still_blocks_uploads(self) -> None:
        self.policy({"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*"})
        with self.assertRaises(ClientError) as ctx:
            self.s3.put_object(Bucket="logs", Key="a.json", Body=b"{}")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)


# --------------------------------------------------------------------------- server lifecycle


class ServerLifecycleTest(unittest.TestCase):
    def test_sigterm_stops_the_server_and_removes_the_port_file(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            port_file = Path(tmp) / "port"
            proc = start_server(port_file)
            try:
                port, runtime_port = read_ports(port_file)
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                    self.assertEqual(response.status, 200)
                with self.assertRaises(urllib.error.HTTPError) as unknown:  # the data plane answers too
                    urllib.request.urlopen(f"http://127.0.0.1:{runtime_port}/", timeout=10)
                self.assertEqual(unknown.exception.code, 404)
            finally:
                code = stop_server(proc)
            self.assertEqual(code, 0)
            self.assertFalse(port_file.exists())


if __name__ == "__main__":
    unittest.main()
