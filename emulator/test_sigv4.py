"""Tests of sigv4.py, the data plane's SigV4 verifier, against botocore's signer.

Run: python3 -m unittest test_sigv4 (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import base64
import unittest
from urllib.parse import quote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import sigv4
from testing_support import ACCOUNT, REGION, short_term_key


class SigV4Test(unittest.TestCase):
    """The verifier agrees with botocore's signer, including the double-encoded model ARN path."""

    creds = Credentials("AKIAEXAMPLEEXAMPLE01", "secret/key+example", None)

    def sign(self, url: str, body: bytes = b"{}") -> AWSRequest:
        request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
        SigV4Auth(self.creds, "bedrock", REGION).add_auth(request)
        return request

    def verify(self, request: AWSRequest, raw_path: str, raw_query: str = "", secret: str | None = None) -> None:
        headers = [(k, v) for k, v in request.headers.items()] + [("host", "127.0.0.1:8080")]
        sig = sigv4.parse_authorization(headers)
        sigv4.verify_header_signature(
            secret or self.creds.secret_key, sig, "POST", raw_path, raw_query, headers, request.body or b""
        )

    def test_paths_as_clients_send_them_verify(self) -> None:
        arn = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/abc123def456"
        for raw_path in (
            f"/model/{quote(arn, safe='')}/invoke",  # botocore: colons and slash encoded
            f"/model/{quote(arn, safe=':')}/invoke-with-response-stream",  # Anthropic SDK: colons raw, %2F
            "/inference-profiles",
        ):
            with self.subTest(raw_path=raw_path):
                request = self.sign(f"http://127.0.0.1:8080{raw_path}?type=SYSTEM_DEFINED&maxResults=5")
                self.verify(request, raw_path, "type=SYSTEM_DEFINED&maxResults=5")

    def test_canonical_uri_encodes_the_encoded_segments_again(self) -> None:
        self.assertEqual(
            sigv4.canonical_uri("/model/arn:aws:bedrock:us-east-1:1:application-inference-profile%2Fabc/invoke"),
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Aapplication-inference-profile%252Fabc/invoke",
        )

    def test_wrong_secret_or_changed_body_fail(self) -> None:
        request = self.sign("http://127.0.0.1:8080/model/m/invoke", b'{"a":1}')
        with self.assertRaises(sigv4.SigV4Error) as ctx:
            self.verify(request, "/model/m/invoke", secret="other")
        self.assertEqual(ctx.exception.code, "InvalidSignatureException")
        request.data = b'{"a":2}'
        with self.assertRaises(sigv4.SigV4Error):
            self.verify(request, "/model/m/invoke")

    def test_an_unsigned_payload_is_refused(self) -> None:
        # Only S3 honours UNSIGNED-PAYLOAD: Bedrock hashes the body it received.
        request = AWSRequest(
            method="POST",
            url="http://127.0.0.1:8080/model/m/invoke",
            data=b'{"a":1}',
            headers={"Content-Type": "application/json", "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"},
        )
        SigV4Auth(self.creds, "bedrock", REGION).add_auth(request)
        with self.assertRaises(sigv4.SigV4Error) as ctx:
            self.verify(request, "/model/m/invoke")
        self.assertEqual(ctx.exception.code, "InvalidSignatureException")

    def test_presigned_short_term_key_verifies(self) -> None:
        token = short_term_key({"AccessKeyId": self.creds.access_key, "SecretAccessKey": self.creds.secret_key})
        url = base64.b64decode(token[len("bedrock-api-key-") :]).decode()
        host, _, rest = url.partition("/")
        query = [(k, v) for k, v in sigv4.parse_query(rest.partition("?")[2]) if k != "Version"]
        sig = sigv4.parse_presigned(query)
        now = sigv4.parse_amz_date(sig.amz_date)
        sigv4.verify_presigned(self.creds.secret_key, sig, "POST", "/", [("host", host)], now)
        with self.assertRaises(sigv4.SigV4Error):
            sigv4.verify_presigned("wrong", sig, "POST", "/", [("host", host)], now)


if __name__ == "__main__":
    unittest.main()
