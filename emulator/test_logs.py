"""Tests of the CloudWatch Logs extensions (ext_logs.py): Logs Insights query definitions.

Run: python3 -m unittest test_logs (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
from typing import Any

from testing_support import EmulatorTestCase, client


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


if __name__ == "__main__":
    unittest.main()
