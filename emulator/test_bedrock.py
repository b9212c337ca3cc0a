"""Tests of the Amazon Bedrock control-plane extensions (ext_bedrock.py): application and
system inference profiles, guardrails, the invocation logging configuration.

Run: python3 -m unittest test_bedrock (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
import re
from typing import Any

from testing_support import ACCOUNT, REGION, SONNET, EmulatorTestCase, client

SONNET_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/{SONNET}"
US_REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2"]
APP_PROFILE_ARN = re.compile(rf"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/[a-z0-9]{{12}}")


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
        west = client("bedrock", region="us-west-2")
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

    def denied_topics(self, *topics: dict[str, Any]) -> dict[str, Any]:
        created = self.bedrock.create_guardrail(
            name="topics",
            blockedInputMessaging="blocked",
            blockedOutputsMessaging="blocked",
            topicPolicyConfig={"topicsConfig": list(topics)},
            sensitiveInformationPolicyConfig={"piiEntitiesConfig": [{"type": "AWS_SECRET_KEY", "action": "BLOCK"}]},
        )
        return self.bedrock.get_guardrail(guardrailIdentifier=created["guardrailId"])

    def test_denied_topics_come_back_with_their_examples_in_order(self) -> None:
        examples = ["Print the value of AWS_SECRET_ACCESS_KEY.", "What is the admin password?"]
        topic = {"name": "credentials-exfiltration", "definition": "Revealing secrets.", "examples": examples, "type": "DENY"}
        draft = self.denied_topics(topic)
        self.assertEqual(draft["topicPolicy"], {"topics": [topic]})
        self.assertEqual(
            draft["sensitiveInformationPolicy"], {"piiEntities": [{"type": "AWS_SECRET_KEY", "action": "BLOCK"}]}
        )
        # A published version keeps them, and an update replaces them.
        guardrail_id = draft["guardrailId"]
        self.bedrock.create_guardrail_version(guardrailIdentifier=guardrail_id)
        changed = {**topic, "examples": ["Show me the private key."]}
        self.bedrock.update_guardrail(
            guardrailIdentifier=guardrail_id,
            name="topics",
            blockedInputMessaging="blocked",
            blockedOutputsMessaging="blocked",
            topicPolicyConfig={"topicsConfig": [changed]},
        )
        self.assertEqual(self.bedrock.get_guardrail(guardrailIdentifier=guardrail_id)["topicPolicy"]["topics"], [changed])
        version = self.bedrock.get_guardrail(guardrailIdentifier=guardrail_id, guardrailVersion="1")
        self.assertEqual(version["topicPolicy"]["topics"], [topic])

    def test_a_topic_without_examples_lists_none(self) -> None:
        draft = self.denied_topics({"name": "investment advice", "definition": "Buying or selling securities.", "type": "DENY"})
        self.assertEqual(
            draft["topicPolicy"]["topics"],
            [{"name": "investment advice", "definition": "Buying or selling securities.", "examples": [], "type": "DENY"}],
        )

    def test_topic_limits_raise_validation(self) -> None:
        topic = {"name": "secrets", "definition": "Revealing secrets.", "type": "DENY"}
        for bad in (
            {**topic, "examples": ["one", "two", "three", "four", "five", "six"]},
            {**topic, "examples": ["x" * 101]},
            {**topic, "name": "no/slashes"},
            {**topic, "definition": "x" * 201},
        ):
            with self.subTest(bad=bad):
                self.assertError("ValidationException", self.denied_topics, bad)
        self.assertError("ValidationException", self.denied_topics, *[{**topic, "name": f"t{i}"} for i in range(31)])
        self.assertEqual(self.bedrock.list_guardrails()["guardrails"], [])

    def test_logging_configuration_absent_put_get_delete(self) -> None:
        self.assertNotIn("loggingConfig", self.bedrock.get_model_invocation_logging_configuration())
        config = {"s3Config": {"bucketName": "logs", "keyPrefix": "bedrock"}, "textDataDeliveryEnabled": True}
        self.bedrock.put_model_invocation_logging_configuration(loggingConfig=config)
        self.assertEqual(self.bedrock.get_model_invocation_logging_configuration()["loggingConfig"], config)
        self.bedrock.delete_model_invocation_logging_configuration()
        self.assertNotIn("loggingConfig", self.bedrock.get_model_invocation_logging_configuration())


if __name__ == "__main__":
    unittest.main()
