"""Tests of the IAM Identity Center extensions (ext_ssoadmin.py): permission set ARNs, tags,
provisioning status.

Run: python3 -m unittest test_ssoadmin (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
from typing import Any

from testing_support import EmulatorTestCase, client


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


if __name__ == "__main__":
    unittest.main()
