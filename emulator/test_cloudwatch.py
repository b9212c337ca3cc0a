"""Tests of the CloudWatch extension (ext_cloudwatch.py): PutDashboard validates the body as
CloudWatch does; GetDashboard / ListDashboards return what was stored.

Run: python3 -m unittest test_cloudwatch (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import copy
import json
import unittest
from typing import Any

from botocore.exceptions import ClientError

from testing_support import ACCOUNT, REGION, EmulatorTestCase, client

ALARM = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:acme-bedrock-throttles"
COST = "(FILL(tokens_input, 0) * 3 + FILL(tokens_output, 0) * 15) / 1000000"
LATENCY = "SEARCH('{AWS/Bedrock,ModelId} MetricName=\"InvocationLatency\"', 'Average', 3600)"
STATISTIC = "Should be a CloudWatch statistic (SampleCount, Average, Sum, Minimum, Maximum, p??)"
ONE_QUERY = "One metrics array can include no more than one Metrics Insights query"
SOURCE_FIRST = "The query must start with its log groups: SOURCE '<log group name>' | ..."
TOP_DEVELOPERS = (
    "SOURCE '/aws/lambda/acme-spend-caps' | filter ispresent(EstimatedCostUsd)"
    "\n| stats sum(EstimatedCostUsd) as costUsd by developer\n| sort costUsd desc\n| limit 20"
)

# One widget of every kind the kit's dashboard uses, as CloudWatch documents them.
VALID: dict[str, Any] = {
    "start": "-P7D",
    "periodOverride": "inherit",
    "widgets": [
        {"type": "text", "x": 0, "y": 0, "width": 24, "height": 2, "properties": {"markdown": "# Usage"}},
        {
            "type": "metric",
            "x": 0,
            "y": 2,
            "width": 12,
            "height": 6,
            "properties": {
                "title": "Cost",
                "region": REGION,
                "view": "timeSeries",
                "stacked": False,
                "period": 3600,
                "stat": "Sum",
                "metrics": [
                    ["acme/Bedrock", "InputTokens", {"id": "tokens_input", "visible": False}],
                    ["acme/Bedrock", "OutputTokens", {"id": "tokens_output", "label": "output", "stat": "p90"}],
                    [{"expression": COST, "id": "cost"}],
                    ["acme/SpendCaps", "EstimatedCostUsd", "Team", "platform", {"yAxis": "right"}],
                    [{"expression": LATENCY, "id": "latency"}],
                ],
                "yAxis": {"left": {"label": "USD", "min": 0}},
            },
        },
        {
            "type": "log",
            "x": 12,
            "y": 2,
            "width": 12,
            "height": 6,
            "properties": {
                "title": "Top developers",
                "region": REGION,
                "view": "table",
                "query": TOP_DEVELOPERS,
            },
        },
        {
            "type": "alarm",
            "x": 0,
            "y": 8,
            "width": 24,
            "height": 4,
            "properties": {
                "title": "Alarms",
                "alarms": [ALARM],
                "sortBy": "stateUpdatedTimestamp",
                "states": ["ALARM"],
            },
        },
    ],
}


def body_with(change: Any) -> str:
    """VALID with ``change(body)`` applied, as JSON."""
    body = copy.deepcopy(VALID)
    change(body)
    return json.dumps(body)


class CloudWatchDashboardTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cw = client("cloudwatch")

    def messages(self, body: str, name: str = "acme-usage") -> list[tuple[str, str]]:
        """The (DataPath, Message) pairs of a refused PutDashboard; fails if it was accepted."""
        error = self.assertError("InvalidParameterInput", self.cw.put_dashboard, DashboardName=name, DashboardBody=body)
        return [(m["DataPath"], m["Message"]) for m in error.response.get("dashboardValidationMessages", [])]

    # ----------------------------------------------------------------------- round trip

    def test_a_valid_body_round_trips_byte_for_byte(self) -> None:
        body = json.dumps(VALID, indent=1)
        put = self.cw.put_dashboard(DashboardName="acme-usage", DashboardBody=body)
        self.assertEqual(put["DashboardValidationMessages"], [])
        got = self.cw.get_dashboard(DashboardName="acme-usage")
        self.assertEqual(got["DashboardBody"], body)
        self.assertEqual(got["DashboardName"], "acme-usage")
        self.assertEqual(got["DashboardArn"], f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/acme-usage")
        names = [d["DashboardName"] for d in self.cw.list_dashboards()["DashboardEntries"]]
        self.assertEqual(names, ["acme-usage"])

    def test_put_replaces_the_body_and_a_refused_put_changes_nothing(self) -> None:
        self.cw.put_dashboard(DashboardName="acme-usage", DashboardBody=json.dumps(VALID))
        smaller = json.dumps({"widgets": VALID["widgets"][:1]})
        self.cw.put_dashboard(DashboardName="acme-usage", DashboardBody=smaller)
        self.messages(body_with(lambda b: b["widgets"][0].update(width=25)))
        self.assertEqual(self.cw.get_dashboard(DashboardName="acme-usage")["DashboardBody"], smaller)

    def test_an_empty_widgets_array_is_valid(self) -> None:
        put = self.cw.put_dashboard(DashboardName="empty", DashboardBody='{"widgets": []}')
        self.assertEqual(put["DashboardValidationMessages"], [])

    # ----------------------------------------------------------------------- the error

    def test_the_error_lists_every_problem_in_the_message_and_the_validation_messages(self) -> None:
        body = body_with(lambda b: (b["widgets"][0].update(x=24), b["widgets"][3]["properties"].update(alarms=[])))
        with self.assertRaises(ClientError) as ctx:
            self.cw.put_dashboard(DashboardName="acme-usage", DashboardBody=body)
        response = ctx.exception.response
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        expected = [
            ("/widgets/0/x", "Should be <= 23"),
            ("/widgets/3/properties/alarms", "Should NOT have fewer than 1 items"),
        ]
        pairs = [(m["DataPath"], m["Message"]) for m in response["dashboardValidationMessages"]]
        self.assertEqual(pairs, expected)
        head, listed = response["Error"]["Message"].split("\n", 1)
        self.assertEqual(head, "The dashboard body is invalid, there are 2 validation errors:")
        self.assertEqual([(e["dataPath"], e["message"]) for e in json.loads(listed)], expected)

    def test_a_body_that_is_not_a_json_object_is_refused(self) -> None:
        error = self.assertError(
            "InvalidParameterInput", self.cw.put_dashboard, DashboardName="x", DashboardBody="{'widgets': []}"
        )
        self.assertEqual(error.response["Error"]["Message"], "The field DashboardBody must be a valid JSON object")
        self.assertEqual(self.messages("[]"), [("", "Should be object")])

    def test_a_bad_dashboard_name_is_refused(self) -> None:
        for name in ("acme usage", "a" * 256, "acme/usage"):
            self.assertEqual(
                self.messages(json.dumps(VALID), name=name),
                [("DashboardName", 'Should match pattern "^[A-Za-z0-9_-]{1,255}$"')],
            )

    # ----------------------------------------------------------------------- top level and grid

    def test_the_top_level(self) -> None:
        self.assertEqual(self.messages("{}"), [("", "Should have required property 'widgets'")])
        self.assertEqual(self.messages('{"widgets": {}}'), [("/widgets", "Should be array")])
        self.assertEqual(
            self.messages(body_with(lambda b: b.update(periodOverride="always", end="2026-12-01T00:00Z", start=None))),
            [("/start", "Should be string"), ("/periodOverride", "Should be equal to one of the allowed values")],
        )
        self.assertEqual(
            self.messages(json.dumps({"end": "2026-12-01T00:00:00Z", "widgets": []})),
            [("", "Should have property start when property end is present")],
        )
        self.assertEqual(
            self.messages(json.dumps({"widgets": [VALID["widgets"][0]] * 501})),
            [("/widgets", "Should NOT have more than 500 items")],
        )
        self.assertEqual(
            self.messages(json.dumps({"widgets": [], "variables": [{"type": "property", "id": "bad id!"}]})),
            [
                ("/variables/0", "Should have required property 'inputType'"),
                ("/variables/0/id", 'Should match pattern "^[0-9A-Za-z_-]{1,32}$"'),
            ],
        )

    def test_widget_type_position_and_size(self) -> None:
        def change(b: dict[str, Any]) -> None:
            b["widgets"][0].update(type="graph", width=25, height=0)
            b["widgets"][1].update(x=1.5, y=-1)
            del b["widgets"][2]["y"]
            del b["widgets"][3]["properties"]

        self.assertEqual(
            self.messages(body_with(change)),
            [
                ("/widgets/0/type", "Should be equal to one of the allowed values"),
                ("/widgets/0/width", "Should be <= 24"),
                ("/widgets/0/height", "Should be >= 1"),
                ("/widgets/1/x", "Should be integer"),
                ("/widgets/1/y", "Should be >= 0"),
                ("/widgets/2", "Should have property y when property x is present"),
                ("/widgets/3", "Should have required property 'properties'"),
            ],
        )

    # ----------------------------------------------------------------------- metric widgets

    def test_a_metric_widget_needs_a_data_source_and_a_region(self) -> None:
        def no_metrics(b: dict[str, Any]) -> None:
            b["widgets"][1]["properties"] = {"region": REGION, "title": "nothing"}

        path = "/widgets/1/properties"
        # The three messages CloudWatch gives for a metric widget with neither metrics nor alarm.
        self.assertEqual(
            self.messages(body_with(no_metrics)),
            [
                (path, "Should have required property 'metrics'"),
                (path, "The metric widget should have specified a region and a data source or an alarm annotation"),
                (path, "Should have required property 'annotations'"),
            ],
        )
        self.assertEqual(
            self.messages(body_with(lambda b: b["widgets"][1]["properties"].pop("region"))),
            [(path, "The metric widget should have specified a region and a data source or an alarm annotation")],
        )
        alarm_only = body_with(
            lambda b: b["widgets"][1].update(properties={"region": REGION, "annotations": {"alarms": [ALARM]}})
        )
        self.cw.put_dashboard(DashboardName="alarm-graph", DashboardBody=alarm_only)
        two_alarms = {"alarms": [ALARM, ALARM]}
        self.assertEqual(
            self.messages(body_with(lambda b: b["widgets"][1]["properties"].update(annotations=two_alarms))),
            [
                (f"{path}/annotations/alarms", "Should NOT have more than 1 items"),
                (path, "A metric widget with an alarm annotation cannot also have a metrics array"),
            ],
        )

    def test_metric_rows(self) -> None:
        def change(b: dict[str, Any]) -> None:
            b["widgets"][1]["properties"]["metrics"] = [
                [".", "InputTokens"],
                ["acme/Bedrock", "Invocations", "Team"],
                ["acme/Bedrock", ""],
                [{"expression": "m1 * 2", "id": "Double"}, {"id": "x"}],
                [{"id": "e1"}],
                ["acme/Bedrock", "Invocations", {"period": 90, "stat": "Median", "color": "red", "yAxis": "up"}],
                "acme/Bedrock",
                [],
            ]

        path = "/widgets/1/properties/metrics"
        self.assertEqual(
            self.messages(body_with(change)),
            [
                (f"{path}/0", 'The first metric cannot use "." (same as the previous metric)'),
                (f"{path}/1", "Each dimension name needs a value"),
                (f"{path}/2/1", "Should NOT be shorter than 1 characters"),
                (f"{path}/3", "Should NOT have more than 1 items"),
                (f"{path}/3/0/id", 'Should match pattern "^[a-z][a-zA-Z0-9_]*$"'),
                (f"{path}/4/0", "Should have required property 'expression'"),
                (f"{path}/5/2/color", 'Should match pattern "^#[0-9a-fA-F]{6}$"'),
                (f"{path}/5/2/yAxis", "Should be equal to one of the allowed values"),
                (f"{path}/5/2/period", "Should be multiple of 60"),
                (f"{path}/5/2/stat", STATISTIC),
                (f"{path}/6", "Should be array"),
                (f"{path}/7", "Should NOT have fewer than 1 items"),
            ],
        )

    def test_metric_widget_settings(self) -> None:
        def change(b: dict[str, Any]) -> None:
            b["widgets"][1]["properties"].update(
                view="line", stacked="yes", period=30, stat="avg", legend={"position": "top"}, timezone="UTC"
            )

        path = "/widgets/1/properties"
        self.assertEqual(
            self.messages(body_with(change)),
            [
                (f"{path}/stacked", "Should be boolean"),
                (f"{path}/view", "Should be equal to one of the allowed values"),
                (f"{path}/period", "Should be >= 60"),
                (f"{path}/stat", STATISTIC),
                (f"{path}/timezone", 'Should match pattern "^[+-]\\d{4}$"'),
                (f"{path}/legend/position", "Should be equal to one of the allowed values"),
            ],
        )
        gauge = body_with(lambda b: b["widgets"][1]["properties"].update(view="gauge"))
        self.assertEqual(self.messages(gauge), [(path, "A gauge widget must set yAxis.left.min and yAxis.left.max")])

    def test_one_metrics_insights_query_per_widget(self) -> None:
        query = {"expression": 'SELECT SUM(InvocationThrottles) FROM SCHEMA("AWS/Bedrock", ModelId)', "id": "q1"}
        one = body_with(lambda b: b["widgets"][1]["properties"]["metrics"].append([query]))
        self.cw.put_dashboard(DashboardName="one-query", DashboardBody=one)
        two = body_with(lambda b: b["widgets"][1]["properties"]["metrics"].extend([[query], [dict(query, id="q2")]]))
        self.assertEqual(
            self.messages(two),
            [("/widgets/1/properties/metrics", ONE_QUERY)],
        )

    # ----------------------------------------------------------------------- text, log and alarm widgets

    def test_text_log_and_alarm_widgets(self) -> None:
        def change(b: dict[str, Any]) -> None:
            b["widgets"][0]["properties"] = {"markdown": 1, "background": "dark"}
            b["widgets"][2]["properties"] = {"query": "fields @message | limit 5", "view": "list"}
            b["widgets"][3]["properties"].update(
                alarms=[ALARM, "acme-bedrock-throttles"], sortBy="name", states=["ALARM", "FIRING"]
            )

        self.assertEqual(
            self.messages(body_with(change)),
            [
                ("/widgets/0/properties/markdown", "Should be string"),
                ("/widgets/0/properties/background", "Should be equal to one of the allowed values"),
                ("/widgets/2/properties", "Should have required property 'region'"),
                ("/widgets/2/properties/query", SOURCE_FIRST),
                ("/widgets/2/properties/view", "Should be equal to one of the allowed values"),
                (
                    "/widgets/3/properties/alarms/1",
                    "Should be an alarm ARN (arn:aws:cloudwatch:<region>:<account>:alarm:<name>)",
                ),
                ("/widgets/3/properties/sortBy", "Should be equal to one of the allowed values"),
                ("/widgets/3/properties/states/1", "Should be equal to one of the allowed values"),
            ],
        )
        too_many = body_with(lambda b: b["widgets"][3]["properties"].update(alarms=[ALARM] * 101))
        self.assertEqual(
            self.messages(too_many), [("/widgets/3/properties/alarms", "Should NOT have more than 100 items")]
        )
        no_text = body_with(lambda b: b["widgets"][0].update(properties={}))
        self.assertEqual(
            self.messages(no_text), [("/widgets/0/properties", "Should have required property 'markdown'")]
        )

    def test_a_log_query_may_read_several_log_groups(self) -> None:
        query = "SOURCE 'a' | SOURCE \"b\" | stats count(*) by bin(1h)"
        body = body_with(lambda b: b["widgets"][2]["properties"].update(query=query))
        put = self.cw.put_dashboard(DashboardName="two-groups", DashboardBody=body)
        self.assertEqual(put["DashboardValidationMessages"], [])


if __name__ == "__main__":
    unittest.main()
