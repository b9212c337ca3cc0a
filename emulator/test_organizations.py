"""Tests of ext_organizations.py (inviting an existing account), through boto3 against a server.

Run: python3 -m unittest test_organizations (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
from typing import Any

from botocore.exceptions import ClientError

from testing_support import ACCOUNT, EmulatorTestCase, client

MANAGEMENT = "111111111111"
MEMBER = ACCOUNT  # the emulator's default account ("test" credentials)


def organizations(account: str) -> Any:
    return client("organizations", account=account)


class InviteAccountTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.management = organizations(MANAGEMENT)
        self.member = organizations(MEMBER)
        self.management.create_organization(FeatureSet="ALL")

    def invite(self) -> dict[str, Any]:
        return self.management.invite_account_to_organization(
            Target={"Id": MEMBER, "Type": "ACCOUNT"}, Notes="join us"
        )["Handshake"]

    def test_invitation_is_an_open_invite_handshake(self) -> None:
        handshake = self.invite()
        self.assertRegex(handshake["Id"], r"^h-[0-9a-z]{32}$")
        self.assertEqual(handshake["State"], "OPEN")
        self.assertEqual(handshake["Action"], "INVITE")
        self.assertIn({"Id": MEMBER, "Type": "ACCOUNT"}, handshake["Parties"])
        self.assertIn({"Value": "join us", "Type": "NOTES"}, handshake["Resources"])
        self.assertEqual(self.member.describe_handshake(HandshakeId=handshake["Id"])["Handshake"], handshake)

    def test_accepting_makes_the_existing_account_a_member_under_the_root(self) -> None:
        handshake = self.invite()
        accepted = self.member.accept_handshake(HandshakeId=handshake["Id"])["Handshake"]
        self.assertEqual(accepted["State"], "ACCEPTED")
        account = self.management.describe_account(AccountId=MEMBER)["Account"]
        self.assertEqual(account["JoinedMethod"], "INVITED")
        root = self.management.list_roots()["Roots"][0]["Id"]
        children = self.management.list_accounts_for_parent(ParentId=root)["Accounts"]
        self.assertIn(MEMBER, [a["Id"] for a in children])
        self.assertEqual(self.member.describe_organization()["Organization"]["MasterAccountId"], MANAGEMENT)
        # SCPs attached to the root now apply to the member (the default FullAWSAccess is attached).
        attached = self.management.list_policies_for_target(TargetId=MEMBER, Filter="SERVICE_CONTROL_POLICY")
        self.assertEqual([p["Name"] for p in attached["Policies"]], ["FullAWSAccess"])

    def test_only_the_invited_account_can_accept_once(self) -> None:
        handshake = self.invite()
        with self.assertRaises(ClientError) as other:
            organizations("210987654321").accept_handshake(HandshakeId=handshake["Id"])
        self.assertEqual(other.exception.response["Error"]["Code"], "AccessDeniedException")
        self.member.accept_handshake(HandshakeId=handshake["Id"])
        with self.assertRaises(ClientError) as again:
            self.member.accept_handshake(HandshakeId=handshake["Id"])
        self.assertEqual(again.exception.response["Error"]["Code"], "InvalidHandshakeTransitionException")

    def test_errors(self) -> None:
        self.member.accept_handshake(HandshakeId=self.invite()["Id"])
        with self.assertRaises(ClientError) as duplicate:
            self.invite()
        self.assertEqual(duplicate.exception.response["Error"]["Code"], "DuplicateAccountException")
        with self.assertRaises(ClientError) as missing:
            self.member.accept_handshake(HandshakeId="h-" + "0" * 32)
        self.assertEqual(missing.exception.response["Error"]["Code"], "HandshakeNotFoundException")
        with self.assertRaises(ClientError) as no_org:
            organizations("222222222222").invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"})
        self.assertEqual(no_org.exception.response["Error"]["Code"], "AWSOrganizationsNotInUseException")

    def test_accepting_after_the_organization_was_deleted_is_refused(self) -> None:
        handshake = self.invite()
        self.management.delete_organization()
        with self.assertRaises(ClientError) as gone:
            self.member.accept_handshake(HandshakeId=handshake["Id"])
        self.assertEqual(gone.exception.response["Error"]["Code"], "AWSOrganizationsNotInUseException")


if __name__ == "__main__":
    unittest.main()
