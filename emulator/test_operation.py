"""Tests of operation.py: the operation of a request, from requests botocore itself builds and
signs (captured before they are sent, turned into WSGI environs).

Run: python3 -m unittest test_operation (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import contextlib
import io
import unittest
from typing import Any, Callable
from urllib.parse import urlsplit

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from werkzeug.test import EnvironBuilder

import operation
from ext_common import service_model
from testing_support import ACCOUNT, REGION

ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/abc123def456"


class _Captured(Exception):
    pass


def environ_of(service: str, call: Callable[[Any], Any], presign: bool = False) -> dict[str, Any]:
    """The WSGI environ of the request ``call(client)`` sends (never sent), as the server sees it."""
    made = boto3.client(
        service,
        endpoint_url="http://127.0.0.1:5000",
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(
            retries={"max_attempts": 1},
            s3={"addressing_style": "path"},
            signature_version="s3v4" if service == "s3" else None,
        ),
    )
    sent: list[Any] = []

    def capture(request: Any, **_: Any) -> AWSResponse:
        sent.append(request)
        raise _Captured()

    made.meta.events.register("before-send", capture)
    if presign:
        url = call(made)
        parts = urlsplit(url)
        builder = EnvironBuilder(method="GET", path=parts.path, query_string=parts.query)
        env = builder.get_environ()
        env["RAW_URI"] = parts.path + "?" + parts.query
        return env
    with contextlib.suppress(_Captured):
        call(made)
    request = sent[0]
    parts = urlsplit(request.url)
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    builder = EnvironBuilder(
        method=request.method,
        path=parts.path,
        query_string=parts.query,
        headers={k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()},
        data=body,
    )
    env = builder.get_environ()
    env["RAW_URI"] = parts.path + (("?" + parts.query) if parts.query else "")
    return env


class OperationTest(unittest.TestCase):
    def assertOperation(self, expected: tuple[str, str], env: dict[str, Any]) -> None:
        self.assertEqual(expected, operation.operation_of(env))

    def test_query_protocol_iam_and_sts_form_bodies_stay_readable(self) -> None:
        env = environ_of("iam", lambda c: c.create_role(RoleName="r", AssumeRolePolicyDocument="{}"))
        length = env["CONTENT_LENGTH"]
        self.assertOperation(("iam", "CreateRole"), env)
        self.assertEqual(length, env["CONTENT_LENGTH"])
        self.assertIn(b"Action=CreateRole", env["wsgi.input"].read(int(length)))
        self.assertOperation(("sts", "GetCallerIdentity"), environ_of("sts", lambda c: c.get_caller_identity()))
        self.assertOperation(("iam", "GetRole"), environ_of("iam", lambda c: c.get_role(RoleName="r")))

    def test_query_action_in_the_query_string(self) -> None:
        env = environ_of("sts", lambda c: c.get_caller_identity())
        env["QUERY_STRING"] = "Action=AssumeRole&Version=2011-06-15"
        env["CONTENT_LENGTH"] = "0"
        env["wsgi.input"] = io.BytesIO(b"")
        env.pop(operation.ENVIRON_KEY, None)
        self.assertOperation(("sts", "AssumeRole"), env)

    def test_json_protocols_budgets_and_logs(self) -> None:
        self.assertOperation(
            ("budgets", "DescribeBudgets"), environ_of("budgets", lambda c: c.describe_budgets(AccountId=ACCOUNT))
        )
        self.assertOperation(
            ("logs", "CreateLogGroup"), environ_of("logs", lambda c: c.create_log_group(logGroupName="g"))
        )

    def test_rest_json_bedrock_inference_profiles(self) -> None:
        cases: list[tuple[str, Callable[[Any], Any]]] = [
            ("GetInferenceProfile", lambda c: c.get_inference_profile(inferenceProfileIdentifier=ARN)),
            ("GetInferenceProfile", lambda c: c.get_inference_profile(inferenceProfileIdentifier="abc123def456")),
            (
                "CreateInferenceProfile",
                lambda c: c.create_inference_profile(inferenceProfileName="p", modelSource={"copyFrom": ARN}),
            ),
            ("ListInferenceProfiles", lambda c: c.list_inference_profiles(typeEquals="APPLICATION")),
            ("DeleteInferenceProfile", lambda c: c.delete_inference_profile(inferenceProfileIdentifier=ARN)),
            ("TagResource", lambda c: c.tag_resource(resourceARN=ARN, tags=[{"key": "k", "value": "v"}])),
            ("ListTagsForResource", lambda c: c.list_tags_for_resource(resourceARN=ARN)),
        ]
        for name, call in cases:
            with self.subTest(name):
                self.assertOperation(("bedrock", name), environ_of("bedrock", call))

    def test_bedrock_runtime_shares_the_signing_name(self) -> None:
        env = environ_of("bedrock-runtime", lambda c: c.invoke_model(modelId=ARN, body=b"{}"))
        self.assertOperation(("bedrock", "InvokeModel"), env)
        resolved = operation.resolve(env)
        assert resolved is not None
        self.assertEqual("bedrock-runtime", resolved.service)

    def test_rest_xml_s3_most_specific_template_wins(self) -> None:
        cases: list[tuple[str, Callable[[Any], Any]]] = [
            ("ListBuckets", lambda c: c.list_buckets()),
            ("CreateBucket", lambda c: c.create_bucket(Bucket="b")),
            ("ListObjectsV2", lambda c: c.list_objects_v2(Bucket="b")),
            ("GetBucketTagging", lambda c: c.get_bucket_tagging(Bucket="b")),
            ("GetObject", lambda c: c.get_object(Bucket="b", Key="a/b/c.json")),
            ("GetObjectTagging", lambda c: c.get_object_tagging(Bucket="b", Key="a/b")),
            ("PutObject", lambda c: c.put_object(Bucket="b", Key="k", Body=b"x")),
        ]
        for name, call in cases:
            with self.subTest(name):
                self.assertOperation(("s3", name), environ_of("s3", call))

    def test_presigned_url_credential(self) -> None:
        env = environ_of(
            "s3", lambda c: c.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}), presign=True
        )
        self.assertOperation(("s3", "GetObject"), env)

    def test_not_an_aws_call(self) -> None:
        env = EnvironBuilder(method="GET", path="/").get_environ()
        self.assertIsNone(operation.operation_of(env))
        env = environ_of("logs", lambda c: c.create_log_group(logGroupName="g"))
        env.pop(operation.ENVIRON_KEY, None)
        env["HTTP_X_AMZ_TARGET"] = "Logs_20140328.NoSuchOperation"
        self.assertIsNone(operation.operation_of(env))
        env = environ_of("bedrock", lambda c: c.list_inference_profiles())
        env.pop(operation.ENVIRON_KEY, None)
        env["RAW_URI"] = env["PATH_INFO"] = "/no/such/path"
        self.assertIsNone(operation.operation_of(env))

    def test_signing_name_table_matches_botocore(self) -> None:
        for signing_name, services in operation.SERVICES_BY_SIGNING_NAME.items():
            for service in services:
                metadata = service_model(service).metadata
                with self.subTest(service):
                    self.assertEqual(signing_name, metadata.get("signingName", metadata["endpointPrefix"]))


if __name__ == "__main__":
    unittest.main()
