"""Tests of the emulator's bill (billing.py): the line items the Bedrock data plane's calls add,
their list prices, and the control route that lists them.

Run: python3 -m unittest test_billing (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import billing
import ext_bedrock
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
    runtime,
    session,
    set_clock,
    user_creds,
)

AT = datetime(2027, 3, 10, 9, 0, tzinfo=timezone.utc)
MILLION_EACH = {"input": 1_000_000, "output": 1_000_000, "cacheRead": 1_000_000, "cacheWrite": 1_000_000}
SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU_45 = "anthropic.claude-haiku-4-5-20251001-v1:0"


def costs(items: list[billing.LineItem]) -> dict[str, Decimal]:
    return {item.usage_type: item.cost for item in items}


class PriceTableTest(unittest.TestCase):
    def test_a_geographic_profile_pays_the_regional_premium(self) -> None:
        items = billing.line_items_for(ACCOUNT, REGION, SONNET_45, False, MILLION_EACH, {}, AT, "arn")
        self.assertEqual(
            costs(items),
            {
                "USE1-MP:USE1_InputTokenCount-Units": Decimal("3.30"),
                "USE1-MP:USE1_OutputTokenCount-Units": Decimal("16.50"),
                "USE1-MP:USE1_CacheReadInputTokenCount-Units": Decimal("0.33"),
                "USE1-MP:USE1_CacheWriteInputTokenCount-Units": Decimal("4.125"),
            },
        )
        self.assertEqual({i.service for i in items}, {"Claude Sonnet 4.5 (Amazon Bedrock Edition)"})
        self.assertEqual({(i.billing_entity, i.unit, i.quantity) for i in items}, {("AWS Marketplace", "Units", 1)})

    def test_a_global_profile_pays_the_list_price_under_global_usage_types(self) -> None:
        items = billing.line_items_for(ACCOUNT, "eu-west-3", HAIKU_45, True, MILLION_EACH, {}, AT, "arn")
        self.assertEqual(
            costs(items),
            {
                "EUW3-MP:EUW3_InputTokenCount_Global-Units": Decimal("1.00"),
                "EUW3-MP:EUW3_OutputTokenCount_Global-Units": Decimal("5.00"),
                "EUW3-MP:EUW3_CacheReadInputTokenCount_Global-Units": Decimal("0.10"),
                "EUW3-MP:EUW3_CacheWriteInputTokenCount_Global-Units": Decimal("1.25"),
            },
        )

    def test_models_before_sonnet_4_5_have_one_price(self) -> None:
        model = "anthropic.claude-3-7-sonnet-20250219-v1:0"
        items = billing.line_items_for(ACCOUNT, REGION, model, False, {"input": 1_000_000, "output": 0}, {}, AT, "a")
        self.assertEqual(costs(items), {"USE1-MP:USE1_InputTokenCount-Units": Decimal("3.00")})
        self.assertEqual(items[0].service, "Claude 3.7 Sonnet (Amazon Bedrock Edition)")

    def test_a_model_without_a_price_is_amazon_bedrock_at_zero(self) -> None:
        items = billing.line_items_for(ACCOUNT, REGION, "meta.llama-x-v1:0", False, {"input": 7}, {}, AT, "arn")
        self.assertEqual(
            [(i.service, i.billing_entity, i.cost, i.unit, i.quantity) for i in items],
            [("Amazon Bedrock", "AWS", 0, "Tokens", 7)],
        )

    def test_every_model_the_emulator_serves_has_a_price(self) -> None:
        self.assertEqual([m for m in ext_bedrock.KNOWN_MODELS if m not in billing.PRICES], [])


class LedgerTest(ErrorAssertions):
    """Each test: a fresh developer environment, the clock at 2027-03-10 09:00 UTC."""

    def setUp(self) -> None:
        reset()
        self.env = build()
        set_clock("2027-03-10T09:00:00Z")
        self.jane = session(self.env, "jane")

    def tearDown(self) -> None:
        set_clock(None)

    def items(self) -> list[dict[str, Any]]:
        return control(f"billing/line-items?account={ACCOUNT}")["lineItems"]

    def test_a_call_through_a_profile_carries_its_tags_as_they_were(self) -> None:
        profile = self.env.profiles[("jane", "sonnet")]
        usage = model_call(self.jane, profile)
        client("bedrock").tag_resource(resourceARN=profile, tags=[{"key": "Team", "value": "later"}])
        items = self.items()
        self.assertEqual(
            {i["usageType"]: i["tokens"] for i in items},
            {
                "USE1-MP:USE1_InputTokenCount-Units": usage["input"],
                "USE1-MP:USE1_OutputTokenCount-Units": usage["output"],
            },
        )
        self.assertEqual(sum(Decimal(i["unblendedCost"]) for i in items), list_cost(SONNET_US_PRICE, usage))
        for item in items:
            self.assertEqual(item["tags"], {"User": "jane", "Project": "acme", "Team": "platform"})
            self.assertEqual(item["resource"], profile)
            self.assertEqual(item["service"], "Claude Sonnet 4.5 (Amazon Bedrock Edition)")
            self.assertEqual((item["account"], item["region"], item["modelId"]), (ACCOUNT, REGION, SONNET_45))
            self.assertTrue(item["usageTime"].startswith("2027-03-10T09:00:0"), item["usageTime"])

    def test_streams_and_converse_bill_every_kind_of_token(self) -> None:
        sonnet, haiku = self.env.profiles[("jane", "sonnet")], self.env.profiles[("jane", "haiku")]
        system = [{"type": "text", "text": "You are careful. " * 30, "cache_control": {"type": "ephemeral"}}]
        write = model_call(self.jane, sonnet, "invoke-stream", system=system)
        read = model_call(self.jane, sonnet, "invoke-stream", system=system)
        converse = model_call(self.jane, haiku, "converse-stream")
        self.assertGreater(write["cacheWrite"], 0)
        self.assertGreater(read["cacheRead"], 0)
        tokens: dict[str, int] = {}
        for item in self.items():
            tokens[item["usageType"]] = tokens.get(item["usageType"], 0) + item["tokens"]
        self.assertEqual(
            tokens,
            {
                "USE1-MP:USE1_InputTokenCount-Units": write["input"] + read["input"],
                "USE1-MP:USE1_OutputTokenCount-Units": write["output"] + read["output"],
                "USE1-MP:USE1_CacheWriteInputTokenCount-Units": write["cacheWrite"],
                "USE1-MP:USE1_CacheReadInputTokenCount-Units": read["cacheRead"],
                "USE1-MP:USE1_InputTokenCount_Global-Units": converse["input"],
                "USE1-MP:USE1_OutputTokenCount_Global-Units": converse["output"],
            },
        )
        self.assertEqual(
            sum(Decimal(i["unblendedCost"]) for i in self.items()),
            list_cost(SONNET_US_PRICE, write)
            + list_cost(SONNET_US_PRICE, read)
            + list_cost(HAIKU_GLOBAL_PRICE, converse),
        )

    def test_a_system_profile_call_carries_no_tags(self) -> None:
        model_call(user_creds(self.env, "svc"), SONNET, "converse")
        items = self.items()
        self.assertEqual(len(items), 2)
        system_profile = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/{SONNET}"
        self.assertEqual({i["resource"] for i in items}, {system_profile})
        self.assertEqual([i["tags"] for i in items], [{}, {}])

    def test_refused_calls_and_count_tokens_are_not_billed(self) -> None:
        self.assertError("AccessDeniedException", model_call, self.jane, self.env.profiles[("bob", "sonnet")])
        runtime(self.jane).count_tokens(
            modelId=self.env.profiles[("jane", "sonnet")],
            input={"converse": {"messages": [{"role": "user", "content": [{"text": "hi"}]}]}},
        )
        self.assertEqual(self.items(), [])

    def test_tag_keys_of_billed_usage_become_known_and_reset_empties_the_bill(self) -> None:
        model_call(self.jane, self.env.profiles[("jane", "sonnet")])
        tags = client("ce").list_cost_allocation_tags()["CostAllocationTags"]
        self.assertEqual(
            [(t["TagKey"], t["Type"], t["Status"], t["LastUsedDate"][:16]) for t in tags],
            [(key, "UserDefined", "Inactive", "2027-03-10T09:00") for key in ("Project", "Team", "User")],
        )
        reset()
        self.assertEqual(self.items(), [])
