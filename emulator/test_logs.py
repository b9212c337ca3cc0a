"""Tests of the CloudWatch Logs extensions (ext_logs.py): Logs Insights query definitions,
subscription delivery to Lambda functions, the emulator clock.

Run: python3 -m unittest test_logs (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import json
import tempfile
import time
import unittest
import urllib.error
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from testing_support import (
    ACCOUNT,
    SINK_JS,
    EmulatorTestCase,
    client,
    control,
    create_function,
    metric_sum,
    read_lines,
    set_clock,
    settle,
)

PERMISSION_MESSAGE = (
    "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function."
)
RECORD_PATTERN = '{ $.schemaType = "ModelInvocationLog" }'


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



class SubscriptionDeliveryTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.logs = client("logs")
        self.lam = client("lambda")
        tmp = tempfile.TemporaryDirectory(prefix="ccb-logs-test-")
        self.addCleanup(tmp.cleanup)
        self.out = Path(tmp.name) / "events.jsonl"
        self.fn = create_function("sink", {"index.js": SINK_JS}, {"OUT": str(self.out)})
        self.logs.create_log_group(logGroupName="invocations")
        self.logs.create_log_stream(logGroupName="invocations", logStreamName="s1")

    def allow_logs(self, source: str = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:invocations:*") -> None:
        self.lam.add_permission(
            FunctionName="sink",
            StatementId="logs",
            Action="lambda:InvokeFunction",
            Principal="logs.amazonaws.com",
            SourceArn=source,
            SourceAccount=ACCOUNT,
        )

    def subscribe(self, pattern: str = RECORD_PATTERN, name: str = "enforcer") -> None:
        self.logs.put_subscription_filter(
            logGroupName="invocations", filterName=name, filterPattern=pattern, destinationArn=self.fn
        )

    def put(self, *messages: str, stream: str = "s1") -> int:
        at = int(time.time() * 1000)
        self.logs.put_log_events(
            logGroupName="invocations",
            logStreamName=stream,
            logEvents=[{"timestamp": at + i, "message": m} for i, m in enumerate(messages)],
        )
        return at

    def test_matching_events_reach_the_function_as_the_subscription_payload(self) -> None:
        self.allow_logs()
        self.subscribe()
        record = json.dumps({"schemaType": "ModelInvocationLog", "requestId": "r-1"})
        at = self.put(record, "START RequestId: not a record", json.dumps({"schemaType": "Other"}))
        settle()
        [payload] = read_lines(self.out)
        self.assertEqual(
            {k: v for k, v in payload.items() if k != "logEvents"},
            {
                "messageType": "DATA_MESSAGE",
                "owner": ACCOUNT,
                "logGroup": "invocations",
                "logStream": "s1",
                "subscriptionFilters": ["enforcer"],
            },
        )
        [event] = payload["logEvents"]
        self.assertEqual((event["timestamp"], event["message"]), (at, record))
        self.assertRegex(event["id"], r"^\d{56}$")
        dims = {"LogGroupName": "invocations", "DestinationType": "Lambda", "FilterName": "enforcer"}
        self.assertEqual(metric_sum("AWS/Logs", "ForwardedLogEvents", dims), 1)
        self.assertGreater(metric_sum("AWS/Logs", "ForwardedBytes", dims), 0)
        self.assertEqual(control("logs/deliveries"), {"pending": 0, "succeeded": 1, "failed": 0})

    def test_an_empty_pattern_delivers_everything_in_order_per_put(self) -> None:
        self.allow_logs()
        self.subscribe("")
        for batch in (("a", "b"), ("c",), ("d", "e", "f")):
            self.put(*batch)
        settle()
        delivered = [[e["message"] for e in p["logEvents"]] for p in read_lines(self.out)]
        self.assertEqual(delivered, [["a", "b"], ["c"], ["d", "e", "f"]])

    def test_term_patterns_filter_too(self) -> None:
        self.allow_logs()
        self.subscribe("ERROR -DEBUG")
        self.put("ERROR disk full", "DEBUG ERROR noise", "all good")
        settle()
        self.assertEqual([e["message"] for e in read_lines(self.out)[0]["logEvents"]], ["ERROR disk full"])

    def test_subscribing_needs_the_functions_permission_for_cloudwatch_logs(self) -> None:
        err = self.assertError("InvalidParameterException", self.subscribe)
        self.assertEqual(err.response["Error"]["Message"], PERMISSION_MESSAGE)
        self.allow_logs(f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:another:*")
        self.assertError("InvalidParameterException", self.subscribe)
        self.lam.remove_permission(FunctionName="sink", StatementId="logs")
        self.allow_logs()
        self.subscribe()
        self.assertEqual(
            [f["filterName"] for f in self.logs.describe_subscription_filters(logGroupName="invocations")["subscriptionFilters"]],
            ["enforcer"],
        )

    def test_unknown_function_and_invalid_pattern_are_refused(self) -> None:
        self.allow_logs()
        err = self.assertError(
            "InvalidParameterException",
            self.logs.put_subscription_filter,
            logGroupName="invocations",
            filterName="f",
            filterPattern="",
            destinationArn=self.fn.replace(":sink", ":missing"),
        )
        self.assertEqual(err.response["Error"]["Message"], PERMISSION_MESSAGE)
        for pattern in ("{ $.a = }", "{ $.a = 1", "[ip, user]", "{ $.a > \"text\" }"):
            with self.subTest(pattern=pattern):
                self.assertError("InvalidParameterException", self.subscribe, pattern)

    def test_a_revoked_permission_counts_delivery_errors(self) -> None:
        self.allow_logs()
        self.subscribe("")
        self.lam.remove_permission(FunctionName="sink", StatementId="logs")
        self.put("x", "y")
        settle()
        self.assertFalse(self.out.exists())
        dims = {"LogGroupName": "invocations", "DestinationType": "Lambda", "FilterName": "enforcer"}
        self.assertEqual(metric_sum("AWS/Logs", "DeliveryErrors", dims), 2)
        self.assertEqual(control("logs/deliveries")["failed"], 1)

    def test_a_failing_function_gets_the_asynchronous_retries(self) -> None:
        self.lam.update_function_configuration(FunctionName="sink", Environment={"Variables": {"OUT": str(self.out), "FAIL": "1"}})
        self.allow_logs()
        self.subscribe("")
        self.put("x")
        settle()
        self.assertEqual(len(read_lines(self.out)), 3)  # the first run and two retries, as AWS
        self.assertEqual(metric_sum("AWS/Lambda", "Errors", {"FunctionName": "sink"}), 3)
        self.assertEqual(metric_sum("AWS/Lambda", "AsyncEventsDropped", {"FunctionName": "sink"}), 1)
        self.assertEqual(control("logs/deliveries")["failed"], 1)

    def test_the_deliveries_route_rejects_a_bad_wait(self) -> None:
        for wait in ("-1", "x", "1000"):
            with self.subTest(wait=wait), self.assertRaises(urllib.error.HTTPError) as ctx:
                control(f"logs/deliveries?wait={wait}")
            self.assertEqual(ctx.exception.code, 400)


class LogsClockTest(EmulatorTestCase):
    def test_accepted_timestamps_follow_the_emulator_clock(self) -> None:
        logs = client("logs")
        logs.create_log_group(logGroupName="g")
        logs.create_log_stream(logGroupName="g", logStreamName="s")
        future = datetime.now(timezone.utc) + timedelta(days=30)
        set_clock(future.isoformat())
        answer = logs.put_log_events(
            logGroupName="g",
            logStreamName="s",
            logEvents=[
                {"timestamp": int(time.time() * 1000), "message": "real now: too old for the emulator clock"},
                {"timestamp": int(future.timestamp() * 1000), "message": "emulator now"},
            ],
        )
        self.assertEqual(answer["rejectedLogEventsInfo"], {"tooOldLogEventEndIndex": 0})
        [event] = logs.get_log_events(logGroupName="g", logStreamName="s")["events"]
        self.assertEqual(event["message"], "emulator now")
        self.assertAlmostEqual(event["ingestionTime"] / 1000, future.timestamp(), delta=60)


if __name__ == "__main__":
    unittest.main()
