"""Tests of the AWS IAM extensions (ext_iam.py): service-specific credentials and policy size
quotas.

Run: python3 -m unittest test_iam (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
from testing_support import ACCOUNT, EmulatorTestCase, client


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


if __name__ == "__main__":
    unittest.main()
