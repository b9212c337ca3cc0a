"""Tests of Cost Explorer's cost and usage queries (ext_ce_usage.py) over what the Bedrock data plane
billed (billing.py): real data-plane calls through tagged application inference profiles, then
GetCostAndUsage, GetTags and GetDimensionValues; amounts are checked against Σ tokens × list price
computed here (testing_support.list_cost).

Run: python3 -m unittest test_ce_usage (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from testing_support import (
    ACCOUNT,
    HAIKU_GLOBAL_PRICE,
    REGION,
    SONNET,
    SONNET_US_PRICE,
    ErrorAssertions,
    build,
    client,
    control,
    list_cost,
    model_call,
    reset,
    session,
    set_clock,
    user_creds,
)

MARCH = {"Start": "2027-03-01", "End": "2027-04-01"}
SONNET_SERVICE = "Claude Sonnet 4.5 (Amazon Bedrock Edition)"
HAIKU_SERVICE = "Claude Haiku 4.5 (Amazon Bedrock Edition)"
USER = {"Type": "TAG", "Key": "User"}
TEAM = {"Type": "TAG", "Key": "Team"}


def amount(metrics: dict[str, Any], name: str = "UnblendedCost") -> Decimal:
    return Decimal(metrics[name]["Amount"])


def by_group(result: dict[str, Any]) -> dict[tuple[str, ...], Decimal]:
    """{group keys: UnblendedCost} over every period of a grouped answer."""
    found: dict[tuple[str, ...], Decimal] = {}
    for period in result["ResultsByTime"]:
        for group in period["Groups"]:
            keys = tuple(group["Keys"])
            found[keys] = found.get(keys, Decimal(0)) + amount(group["Metrics"])
    return found


class CostAndUsageTest(ErrorAssertions):
    """Each test: a fresh developer environment, the clock at 2027-03-10 09:00 UTC."""

    def setUp(self) -> None:
        reset()
        self.env = build()
        set_clock("2027-03-10T09:00:00Z")
        self.ce = client("ce")
        self.jane, self.bob = session(self.env, "jane"), session(self.env, "bob")

    def tearDown(self) -> None:
        set_clock(None)

    def tags_status(self, status: str, *keys: str) -> None:
        self.ce.update_cost_allocation_tags_status(
            CostAllocationTagsStatus=[{"TagKey": key, "Status": status} for key in keys]
        )
        control("clock", {"advanceSeconds": 60})

    def sonnet(
        self, creds: dict[str, str] | None = None, owner: str = "jane", api: str = "invoke", **extra: Any
    ) -> Decimal:
        """A call through ``owner``'s Sonnet profile (a us. profile); its cost at list price."""
        usage = model_call(creds or self.jane, self.env.profiles[(owner, "sonnet")], api, **extra)
        return list_cost(SONNET_US_PRICE, usage)

    def haiku(self) -> Decimal:
        """A Converse call through jane's Haiku profile (a global profile); its cost at list price."""
        return list_cost(HAIKU_GLOBAL_PRICE, model_call(self.jane, self.env.profiles[("jane", "haiku")], "converse"))

    def query(self, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = {"TimePeriod": MARCH, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"]}
        return self.ce.get_cost_and_usage(**{**params, **kwargs})

    def total(self, **kwargs: Any) -> Decimal:
        return sum((amount(p["Total"]) for p in self.query(**kwargs)["ResultsByTime"]), Decimal(0))

    def test_cost_by_user_and_team_is_tokens_times_list_price(self) -> None:
        self.tags_status("Active", "User", "Team")
        system = [{"type": "text", "text": "Be brief. " * 40, "cache_control": {"type": "ephemeral"}}]
        jane = self.sonnet() + self.haiku() + self.sonnet(system=system) + self.sonnet(system=system)
        bob = self.sonnet(self.bob, "bob", "invoke-stream") + self.sonnet(self.bob, "bob", "converse-stream")
        self.assertEqual(by_group(self.query(GroupBy=[USER])), {("User$jane",): jane, ("User$bob",): bob})
        both = self.query(GroupBy=[USER, TEAM], Metrics=["UnblendedCost", "BlendedCost", "AmortizedCost"])
        self.assertEqual(by_group(both), {("User$bob", "Team$platform"): bob, ("User$jane", "Team$platform"): jane})
        self.assertEqual(both["GroupDefinitions"], [USER, TEAM])
        period = both["ResultsByTime"][0]
        self.assertEqual((period["TimePeriod"], period["Total"], period["Estimated"]), (MARCH, {}, True))
        for group in period["Groups"]:
            self.assertEqual(amount(group["Metrics"], "BlendedCost"), amount(group["Metrics"]))
            self.assertEqual(amount(group["Metrics"], "AmortizedCost"), amount(group["Metrics"]))
            self.assertEqual(group["Metrics"]["UnblendedCost"]["Unit"], "USD")
        ungrouped = self.query()
        self.assertEqual(ungrouped["ResultsByTime"][0]["Groups"], [])
        self.assertNotIn("GroupDefinitions", ungrouped)
        self.assertEqual(amount(ungrouped["ResultsByTime"][0]["Total"]), jane + bob)

    def test_usage_before_activation_stays_untagged(self) -> None:
        before = self.sonnet()
        self.tags_status("Active", "User")
        during = self.sonnet()
        self.tags_status("Inactive", "User")
        after = self.sonnet()
        self.assertEqual(by_group(self.query(GroupBy=[USER])), {("User$",): before + after, ("User$jane",): during})
        self.assertEqual(by_group(self.query(GroupBy=[TEAM])), {("Team$",): before + during + after})
        tags = self.ce.list_cost_allocation_tags(TagKeys=["User"])["CostAllocationTags"]
        self.assertEqual((tags[0]["Status"], tags[0]["LastUpdatedDate"][:16]), ("Inactive", "2027-03-10T09:01"))

    def test_system_profile_calls_are_unattributed(self) -> None:
        self.tags_status("Active", "User")
        unattributed = list_cost(SONNET_US_PRICE, model_call(user_creds(self.env, "svc"), SONNET))
        jane = self.sonnet()
        self.assertEqual(by_group(self.query(GroupBy=[USER])), {("User$",): unattributed, ("User$jane",): jane})
        self.assertEqual(self.total(Filter={"Tags": {"Key": "User", "MatchOptions": ["ABSENT"]}}), unattributed)
        self.assertEqual(self.total(Filter={"Tags": {}}), unattributed)  # no Key, no Values: untagged usage
        self.assertEqual(self.total(Filter={"Tags": {"Key": "User", "Values": ["jane"]}}), jane)

    def test_filters_on_service_and_grouping_by_usage_type(self) -> None:
        self.tags_status("Active", "User")
        sonnet = self.sonnet()
        usage = model_call(self.jane, self.env.profiles[("jane", "haiku")], "converse")
        haiku = list_cost(HAIKU_GLOBAL_PRICE, usage)
        on_haiku = {"Dimensions": {"Key": "SERVICE", "Values": [HAIKU_SERVICE]}}
        self.assertEqual(self.total(Filter=on_haiku), haiku)
        self.assertEqual(self.total(Filter={"Not": on_haiku}), sonnet)
        self.assertEqual(self.total(Filter={"Dimensions": {"Key": "SERVICE", "Values": ["Amazon Bedrock"]}}), 0)
        jane = {"Tags": {"Key": "User", "Values": ["jane"]}}
        in_region = {"Dimensions": {"Key": "REGION", "Values": [REGION]}}
        self.assertEqual(self.total(Filter={"And": [jane, in_region]}), sonnet + haiku)
        self.assertEqual(self.total(Filter={"Or": [on_haiku, {"Tags": {"Key": "User", "Values": ["bob"]}}]}), haiku)
        by_usage_type = [{"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
        result = self.query(Filter=on_haiku, GroupBy=by_usage_type, Metrics=["UsageQuantity"])
        quantities = {
            g["Keys"][0]: (amount(g["Metrics"], "UsageQuantity"), g["Metrics"]["UsageQuantity"]["Unit"])
            for g in result["ResultsByTime"][0]["Groups"]
        }
        self.assertEqual(
            quantities,  # the price list's unit: a million tokens
            {
                "USE1-MP:USE1_InputTokenCount_Global-Units": (Decimal(usage["input"]) / 10**6, "Units"),
                "USE1-MP:USE1_OutputTokenCount_Global-Units": (Decimal(usage["output"]) / 10**6, "Units"),
            },
        )
        services = self.query(GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}])
        self.assertEqual(by_group(services), {(HAIKU_SERVICE,): haiku, (SONNET_SERVICE,): sonnet})

    def test_daily_and_monthly_periods_and_the_estimated_flag(self) -> None:
        set_clock("2027-02-27T12:00:00Z")
        february = self.sonnet()
        set_clock("2027-03-10T09:00:00Z")
        march = self.sonnet()
        period = {"Start": "2027-02-26", "End": "2027-03-11"}
        daily = self.query(TimePeriod=period, Granularity="DAILY")["ResultsByTime"]
        self.assertEqual(len(daily), 13)
        self.assertEqual(daily[0]["TimePeriod"], {"Start": "2027-02-26", "End": "2027-02-27"})
        costs = {p["TimePeriod"]["Start"]: amount(p["Total"]) for p in daily if amount(p["Total"])}
        self.assertEqual(costs, {"2027-02-27": february, "2027-03-10": march})
        self.assertEqual(daily[3]["Total"]["UnblendedCost"], {"Amount": "0", "Unit": "USD"})
        self.assertEqual([p["Estimated"] for p in daily], [False] * 3 + [True] * 10)
        grouped = self.query(TimePeriod=period, Granularity="DAILY", GroupBy=[USER])["ResultsByTime"]
        self.assertEqual([len(p["Groups"]) for p in grouped], [0, 1] + [0] * 10 + [1])  # every period, used or not
        self.assertEqual((grouped[0]["Total"], grouped[1]["Groups"][0]["Keys"]), ({}, ["User$"]))
        monthly = self.query(TimePeriod={"Start": "2027-02-15", "End": "2027-04-01"})["ResultsByTime"]
        self.assertEqual(
            [(p["TimePeriod"]["Start"], p["TimePeriod"]["End"], amount(p["Total"])) for p in monthly],
            [("2027-02-15", "2027-03-01", february), ("2027-03-01", "2027-04-01", march)],
        )

    def test_results_page_and_the_token_belongs_to_its_request(self) -> None:
        cost = self.sonnet()
        request = {"TimePeriod": {"Start": "2025-03-01", "End": "2027-04-01"}, "Granularity": "DAILY"}
        first = self.query(**request)
        self.assertEqual(len(first["ResultsByTime"]), 500)
        second = self.query(**request, NextPageToken=first["NextPageToken"])
        self.assertNotIn("NextPageToken", second)
        periods = first["ResultsByTime"] + second["ResultsByTime"]
        self.assertEqual(len(periods), 761)
        ends, starts = [p["TimePeriod"]["End"] for p in periods], [p["TimePeriod"]["Start"] for p in periods]
        self.assertEqual((starts[0], ends[-1], ends[:-1]), ("2025-03-01", "2027-04-01", starts[1:]))
        self.assertEqual(sum((amount(p["Total"]) for p in second["ResultsByTime"]), Decimal(0)), cost)
        token = first["NextPageToken"]
        self.assertError("RequestChangedException", self.query, **request, Metrics=["BlendedCost"], NextPageToken=token)
        self.assertError("InvalidNextTokenException", self.query, **request, NextPageToken="not-a-token")

    def test_invalid_requests_are_refused_as_aws_words_them(self) -> None:
        unchecked = client("ce", parameter_validation=False)  # botocore would refuse Metrics=[] itself
        before = "Start date (and hour) should be before end date (and hour)"
        two_roots = {"Dimensions": {"Key": "SERVICE", "Values": ["x"]}, "Tags": {"Key": "User"}}
        cases: list[tuple[dict[str, Any], str]] = [
            ({"TimePeriod": {"Start": "2027-03-05", "End": "2027-03-01"}}, before),
            ({"TimePeriod": {"Start": "2027-03-01", "End": "2027-03-01"}}, before),
            ({"TimePeriod": {"Start": "2027-03-01", "End": "2027-04-02"}}, "end date past the beginning of next month"),
            ({"TimePeriod": {"Start": "2027/03/01", "End": "2027-04-01"}}, "Invalid date '2027/03/01'"),
            ({"GroupBy": [USER, TEAM, {"Type": "TAG", "Key": "Project"}]}, "GroupBy accepts at most 2"),
            ({"GroupBy": [{"Type": "ACCOUNT", "Key": "x"}]}, "Group Definition type is invalid."),
            ({"GroupBy": [{"Type": "DIMENSION", "Key": "TAGS"}]}, "Group Definition dimension is invalid."),
            ({"Granularity": "WEEKLY"}, "Value 'WEEKLY' at 'granularity' failed to satisfy constraint"),
            ({"Granularity": "HOURLY"}, "Hourly granularity is not enabled"),
            ({"Metrics": ["Cost"]}, "Invalid metric Cost."),
            ({"Metrics": []}, "Metrics is required"),
            ({"Filter": two_roots}, "Expression has more than one roots."),
            ({"Filter": {"Dimensions": {"Key": "SERVICE", "Values": ["x"], "MatchOptions": ["ABSENT"]}}}, "ABSENT"),
        ]
        for params, message in cases:
            with self.subTest(params=params):
                request = {"TimePeriod": MARCH, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"], **params}
                err = self.assertError("ValidationException", unchecked.get_cost_and_usage, **request)
                self.assertIn(message, err.response["Error"]["Message"])
                self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_tags_and_dimension_values_of_the_period(self) -> None:
        self.sonnet()  # before activation: its tags are not in the billing data
        self.tags_status("Active", "User", "Team")
        self.sonnet(self.bob, "bob")
        self.haiku()
        self.assertEqual(self.ce.get_tags(TimePeriod=MARCH)["Tags"], ["Team", "User"])
        self.assertEqual(self.ce.get_tags(TimePeriod=MARCH, TagKey="User")["Tags"], ["bob", "jane"])
        page = self.ce.get_tags(TimePeriod=MARCH, TagKey="User", MaxResults=1)
        self.assertEqual((page["Tags"], page["ReturnSize"], page["TotalSize"]), (["bob"], 1, 2))
        values = self.ce.get_dimension_values(TimePeriod=MARCH, Dimension="SERVICE")
        self.assertEqual([v["Value"] for v in values["DimensionValues"]], [HAIKU_SERVICE, SONNET_SERVICE])
        entity = self.ce.get_dimension_values(TimePeriod=MARCH, Dimension="BILLING_ENTITY")["DimensionValues"]
        self.assertEqual(entity, [{"Value": "AWS Marketplace", "Attributes": {}}])
        self.assertEqual(self.ce.get_tags(TimePeriod={"Start": "2027-02-01", "End": "2027-03-01"})["Tags"], [])

    def test_linked_account_groups_carry_the_account_name(self) -> None:
        cost = self.sonnet()
        by_account = [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}]
        self.assertEqual(by_group(self.query(GroupBy=by_account)), {(ACCOUNT,): cost})
        unnamed = self.query(GroupBy=by_account)["DimensionValueAttributes"]
        self.assertEqual(unnamed, [{"Value": ACCOUNT, "Attributes": {}}])
        client("organizations").create_organization(FeatureSet="ALL")
        named = self.query(GroupBy=by_account)["DimensionValueAttributes"]
        self.assertEqual(named, [{"Value": ACCOUNT, "Attributes": {"description": "master"}}])
        self.assertEqual(self.query(GroupBy=[USER])["DimensionValueAttributes"], [])
