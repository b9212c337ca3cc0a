"""Tests of the Amazon Athena extensions (ext_athena.py): UpdateWorkGroup, DeleteNamedQuery,
tags and AWS's errors.

Run: python3 -m unittest test_athena (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
from testing_support import ACCOUNT, REGION, EmulatorTestCase, client


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


if __name__ == "__main__":
    unittest.main()
