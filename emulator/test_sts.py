"""Tests of the AWS STS extensions (ext_sts.py): session tags and trust policies at AssumeRole,
AssumeRoleWithSAML and AssumeRoleWithWebIdentity, checked through the Bedrock Runtime data plane
in the developer environment of testing_support.build.

Run: python3 -m unittest test_sts (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest

from testing_support import (
    ACCOUNT,
    OIDC_HOST,
    RuntimeTestCase,
    anthropic_body,
    client,
    jwt,
    runtime,
    saml_assertion,
    session,
)


class SessionTagsTest(RuntimeTestCase):
    def test_assume_role_records_tags_and_refuses_someone_elses_user_tag(self) -> None:
        err = self.assertError("AccessDenied", session, self.env, "jane", {"User": "bob"})
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(
            err.response["Error"]["Message"],
            f"User: arn:aws:iam::{ACCOUNT}:user/jane is not authorized to perform: sts:TagSession "
            f"on resource: {self.env.role_arn}",
        )
        creds = session(self.env, "jane", {"User": "jane", "Team": "platform"})
        runtime(creds).invoke_model(modelId=self.env.profiles[("jane", "sonnet")], body=anthropic_body())

    def test_callers_outside_the_trust_policy_are_refused(self) -> None:
        err = self.assertError("AccessDenied", session, self.env, "svc")
        self.assertIn("sts:AssumeRole on resource", err.response["Error"]["Message"])

    def test_keys_the_emulator_did_not_issue_cannot_assume_roles(self) -> None:
        forged = client("sts", {"AccessKeyId": "AKIAFORGED0000000000", "SecretAccessKey": "x"})
        err = self.assertError(
            "InvalidClientTokenId",
            forged.assume_role,
            RoleArn=self.env.role_arn,
            RoleSessionName="mallory",
            Tags=[{"Key": "User", "Value": "jane"}],
        )
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        # The emulator's root key (`test`, what Terraform and the scripts use) still may.
        client("sts").assume_role(RoleArn=self.env.role_arn, RoleSessionName="platform")

    def test_saml_session_carries_the_asserted_tags(self) -> None:
        sts = client("sts")
        provider = f"arn:aws:iam::{ACCOUNT}:saml-provider/corp"
        creds = sts.assume_role_with_saml(
            RoleArn=self.env.role_arn,
            PrincipalArn=provider,
            SAMLAssertion=saml_assertion(self.env, {"User": "jane", "Project": "acme"}),
        )["Credentials"]
        runtime(creds).invoke_model(modelId=self.env.profiles[("jane", "sonnet")], body=anthropic_body())
        message = self.denied(
            runtime(creds).invoke_model, modelId=self.env.profiles[("bob", "sonnet")], body=anthropic_body()
        )
        self.assertIn("assumed-role/acme-developer/jane@example.com is not authorized", message)
        wrong_audience = saml_assertion(self.env, {"User": "jane"}, recipient="https://example.com/saml")
        self.assertError(
            "AccessDenied",
            sts.assume_role_with_saml,
            RoleArn=self.env.role_arn,
            PrincipalArn=provider,
            SAMLAssertion=wrong_audience,
        )

    def test_oidc_session_carries_the_token_tags(self) -> None:
        sts = client("sts")
        claims = {
            "iss": f"https://{OIDC_HOST}",
            "aud": "sts.amazonaws.com",
            "sub": "jane",
            "https://aws.amazon.com/tags": {"principal_tags": {"User": ["jane"]}, "transitive_tag_keys": ["User"]},
        }
        creds = sts.assume_role_with_web_identity(
            RoleArn=self.env.role_arn, RoleSessionName="jane", WebIdentityToken=jwt(claims)
        )["Credentials"]
        runtime(creds).invoke_model(modelId=self.env.profiles[("jane", "sonnet")], body=anthropic_body())
        self.assertError(
            "AccessDenied",
            sts.assume_role_with_web_identity,
            RoleArn=self.env.role_arn,
            RoleSessionName="jane",
            WebIdentityToken=jwt({**claims, "aud": "someone-else"}),
        )


if __name__ == "__main__":
    unittest.main()
