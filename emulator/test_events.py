"""Tests of the EventBridge extension (ext_events.py): schedules fire on the emulator clock (and in
real time), Lambda targets are invoked.

Run: python3 -m unittest test_events (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import json
import tempfile
import time
import unittest
from datetime import datetime, timedelta, timezone
from pathlib import Path

from testing_support import (
    ACCOUNT,
    REGION,
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

INVALID = "Parameter ScheduleExpression is not valid."


class ScheduleTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.events = client("events")
        self.lam = client("lambda")
        tmp = tempfile.TemporaryDirectory(prefix="ccb-events-test-")
        self.addCleanup(tmp.cleanup)
        self.out = Path(tmp.name) / "events.jsonl"
        self.fn = create_function("reset", {"index.js": SINK_JS}, {"OUT": str(self.out)})

    def rule(self, name: str, expression: str, allow: bool = True, **target: str) -> str:
        arn = self.events.put_rule(Name=name, ScheduleExpression=expression)["RuleArn"]
        self.events.put_targets(Rule=name, Targets=[{"Id": "enforcer", "Arn": self.fn, **target}])
        if allow:
            self.lam.add_permission(
                FunctionName="reset",
                StatementId=f"events-{name}",
                Action="lambda:InvokeFunction",
                Principal="events.amazonaws.com",
                SourceArn=arn,
            )
        return arn

    def advance_to(self, when: str) -> None:
        set_clock(when)
        settle()

    def test_a_monthly_schedule_fires_once_at_the_period_boundary(self) -> None:
        set_clock("2027-01-20T08:00:00Z")
        arn = self.rule("monthly-reset", "cron(0 0 1 * ? *)")
        self.advance_to("2027-01-31T23:59:00Z")
        self.assertEqual(read_lines(self.out), [])
        self.advance_to("2027-02-01T00:00:05Z")
        [event] = read_lines(self.out)
        self.assertRegex(event.pop("id"), r"^[0-9a-f-]{36}$")
        self.assertEqual(
            event,
            {
                "version": "0",
                "detail-type": "Scheduled Event",
                "source": "aws.events",
                "account": ACCOUNT,
                "time": "2027-02-01T00:00:00Z",
                "region": REGION,
                "resources": [arn],
                "detail": {},
            },
        )
        self.advance_to("2027-02-01T00:10:00Z")
        self.assertEqual(len(read_lines(self.out)), 1)
        at = datetime(2027, 2, 1, tzinfo=timezone.utc)
        self.assertEqual(metric_sum("AWS/Events", "TriggeredRules", {"RuleName": "monthly-reset"}, at), 1)
        self.assertEqual(metric_sum("AWS/Events", "Invocations", {"RuleName": "monthly-reset"}, at), 1)

    def test_a_jump_over_several_firings_fires_once_for_the_latest(self) -> None:
        set_clock("2027-01-01T12:00:00Z")
        self.rule("daily", "cron(0 0 * * ? *)")
        self.advance_to("2027-01-04T06:00:00Z")
        self.assertEqual([e["time"] for e in read_lines(self.out)], ["2027-01-04T00:00:00Z"])

    def test_disabled_rules_and_moving_back_do_not_fire(self) -> None:
        set_clock("2027-01-01T12:00:00Z")
        self.rule("daily", "cron(0 0 * * ? *)")
        self.events.disable_rule(Name="daily")
        self.advance_to("2027-01-02T06:00:00Z")
        self.events.enable_rule(Name="daily")
        self.advance_to("2027-01-01T06:00:00Z")
        self.assertEqual(read_lines(self.out), [])
        self.advance_to("2027-01-02T00:00:01Z")  # the clock went back, so this midnight is due again
        self.assertEqual([e["time"] for e in read_lines(self.out)], ["2027-01-02T00:00:00Z"])

    def test_without_the_functions_permission_the_invocation_fails(self) -> None:
        set_clock("2027-01-20T08:00:00Z")
        self.rule("monthly-reset", "cron(0 0 1 * ? *)", allow=False)
        self.advance_to("2027-02-01T00:00:05Z")
        self.assertEqual(read_lines(self.out), [])
        at = datetime(2027, 2, 1, tzinfo=timezone.utc)
        self.assertEqual(metric_sum("AWS/Events", "FailedInvocations", {"RuleName": "monthly-reset"}, at), 1)

    def test_a_target_input_replaces_the_event(self) -> None:
        set_clock("2027-01-20T08:00:00Z")
        self.rule("with-input", "cron(0 0 1 * ? *)", Input=json.dumps({"action": "reset"}))
        self.rule("with-path", "cron(0 0 1 * ? *)", InputPath="$.time")
        self.advance_to("2027-02-01T00:00:05Z")
        self.assertCountEqual(read_lines(self.out), [{"action": "reset"}, "2027-02-01T00:00:00Z"])

    def test_schedules_fire_in_real_time_too(self) -> None:
        self.rule("every-minute", "rate(1 minute)")
        control("clock", {"advanceSeconds": 58})  # the first firing is 2 s of real time away
        deadline = time.monotonic() + 15
        while not read_lines(self.out) and time.monotonic() < deadline:
            control("lambda/async-invocations?wait=1")
            time.sleep(0.5)
        [event] = read_lines(self.out)
        self.assertEqual(event["detail-type"], "Scheduled Event")

    def test_put_rule_validates_the_schedule_expression(self) -> None:
        for expression in ("cron(0 0 1 * * *)", "cron(0 0 1 * ?)", "rate(1 minutes)", "rate(5 minute)", "cron(0 25 * * ? *)"):
            with self.subTest(expression=expression):
                err = self.assertError("ValidationException", self.events.put_rule, Name="r", ScheduleExpression=expression)
                self.assertEqual(err.response["Error"]["Message"], INVALID)
        self.events.put_rule(Name="ok", ScheduleExpression="cron(0 0 1 * ? *)")


class PatternRuleTest(EmulatorTestCase):
    def test_put_events_invokes_a_lambda_target_with_the_aws_event(self) -> None:
        tmp = tempfile.TemporaryDirectory(prefix="ccb-events-test-")
        self.addCleanup(tmp.cleanup)
        out = Path(tmp.name) / "events.jsonl"
        fn = create_function("on-event", {"index.js": SINK_JS}, {"OUT": str(out)})
        events = client("events")
        arn = events.put_rule(Name="budget", EventPattern=json.dumps({"source": ["acme.budget"]}))["RuleArn"]
        events.put_targets(Rule="budget", Targets=[{"Id": "fn", "Arn": fn}])
        client("lambda").add_permission(
            FunctionName="on-event", StatementId="ev", Action="lambda:InvokeFunction", Principal="events.amazonaws.com", SourceArn=arn
        )
        events.put_events(
            Entries=[
                {"Source": "acme.budget", "DetailType": "Cap", "Detail": json.dumps({"user": "jane"})},
                {"Source": "other", "DetailType": "Cap", "Detail": "{}"},
            ]
        )
        settle()
        [event] = read_lines(out)
        self.assertEqual((event["source"], event["detail-type"], event["detail"]), ("acme.budget", "Cap", {"user": "jane"}))
        self.assertNotIn("ingestion-time", event)
        sent = datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
        self.assertLess(abs(sent - datetime.now(timezone.utc)), timedelta(minutes=5))


if __name__ == "__main__":
    unittest.main()
