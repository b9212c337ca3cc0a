"""Tests of the policy-evaluation fix (ext_policy.py) through S3 bucket policies; trust policies
are tested with STS (test_sts.py).

Run: python3 -m unittest test_policy (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
import json
from typing import Any

from botocore.exceptions import ClientError

from testing_support import EmulatorTestCase, client


class S3BucketPolicyTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.s3 = client("s3")
        self.s3.create_bucket(Bucket="logs")

    def policy(self, *statements: dict[str, Any]) -> None:
        self.s3.put_bucket_policy(Bucket="logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))

    def test_tls_only_deny_does_not_block_requests(self) -> None:
        self.policy(
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        )
        self.s3.put_object(Bucket="logs", Key="a.json", Body=b"{}")
        self.assertEqual(self.s3.get_object(Bucket="logs", Key="a.json")["Body"].read(), b"{}")

    def test_deny_with_negated_operator_on_an_absent_key_applies(self) -> None:
        # AWS: a negated condition operator matches when the key is absent from the request.
        self.policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::logs/*",
                "Condition": {"StringNotEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            }
        )
        with self.assertRaises(ClientError):
            self.s3.put_object(Bucket="logs", Key="a.json", Body=b"{}")

    def test_unconditional_deny_still_blocks_uploads(self) -> None:
        self.policy({"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*"})
        with self.assertRaises(ClientError) as ctx:
            self.s3.put_object(Bucket="logs", Key="a.json", Body=b"{}")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)


if __name__ == "__main__":
    unittest.main()
