"""Tests of the Bedrock Runtime data plane (ext_bedrock_runtime.py): operations, authentication,
authorization (identity policies, session and profile tags, SCPs), invocation logging.

Each test class resets moto and builds the developer environment of testing_support.build;
callers use boto3 clients on the data-plane port, signed with the credentials the emulator issued.

Run: python3 -m unittest test_bedrock_runtime (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import eventstream
from ext_bedrock_runtime import REPLY_TEXT, s3_key, usage_for_anthropic, usage_for_converse
from testing_support import (
    ACCOUNT,
    KEY_PREFIX,
    LOG_GROUP,
    MESSAGES,
    PROJECT,
    REGION,
    SINK_JS,
    SONNET,
    RuntimeTestCase,
    anthropic_body,
    bearer_invoke,
    build,
    client,
    create_function,
    emulator,
    policies,
    put_logging,
    read_lines,
    reset,
    runtime,
    session,
    set_clock,
    settle,
    short_term_key,
    user_creds,
)

SONNET_MODEL = SONNET.split(".", 1)[1]
US = ["us-east-1", "us-east-2", "us-west-1", "us-west-2"]


def denial(principal: str, action: str, resource: str, reason: str) -> str:
    return f"User: {principal} is not authorized to perform: {action} on resource: {resource} {reason}"


def no_identity_allow(action: str) -> str:
    return f"because no identity-based policy allows the {action} action"


EXPLICIT_IDENTITY = "with an explicit deny in an identity-based policy"


class TokenFormulaTest(unittest.TestCase):
    def test_plain_request(self) -> None:
        # one segment {"text":"hello","type":"text"} = 30 bytes -> 8 tokens; reply 38 bytes -> 10 tokens
        self.assertEqual(
            usage_for_anthropic({"max_tokens": 512, "messages": MESSAGES}),
            {"input": 8, "cacheRead": 0, "cacheWrite": 0, "output": 10},
        )

    def test_prefix_up_to_the_last_cache_control_is_cache_write_then_read(self) -> None:
        system = [{"type": "text", "text": "x" * 400, "cache_control": {"type": "ephemeral"}}]
        body = {"max_tokens": 512, "system": system, "messages": MESSAGES}
        prefix = -(-len(json.dumps(system[0], sort_keys=True, separators=(",", ":"))) // 4)
        first = usage_for_anthropic(body)
        self.assertEqual((first["cacheWrite"], first["cacheRead"]), (prefix, 0))
        again = usage_for_anthropic(body, cached_before=True)
        self.assertEqual((again["cacheWrite"], again["cacheRead"], again["input"]), (0, prefix, first["input"]))

    def test_max_tokens_cuts_the_reply(self) -> None:
        self.assertEqual(usage_for_anthropic({"max_tokens": 1, "messages": MESSAGES})["output"], 1)
        self.assertEqual(
            usage_for_converse({"messages": [{"role": "user", "content": [{"text": "hi"}]}]})["output"], 10
        )

    def test_s3_key_layout(self) -> None:
        from datetime import datetime, timezone

        at = datetime(2026, 11, 2, 14, 5, 9, 123000, tzinfo=timezone.utc)
        expected = f"AWSLogs/{ACCOUNT}/BedrockModelInvocationLogs/{REGION}/2026/11/02/14/20261102T140509123Z_id.json.gz"
        self.assertEqual(s3_key("", ACCOUNT, REGION, at, "id"), expected)
        self.assertEqual(s3_key("/logs/", ACCOUNT, REGION, at, "id"), "logs/" + expected)


class RuntimeOperationsTest(RuntimeTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.creds = session(cls.env)
        cls.jane = cls.env.profiles[("jane", "sonnet")]

    def test_invoke_model_returns_an_anthropic_message_and_token_headers(self) -> None:
        response = runtime(self.creds).invoke_model(modelId=self.jane, body=anthropic_body())
        message = json.loads(response["body"].read())
        expected = usage_for_anthropic(json.loads(anthropic_body()))
        self.assertEqual(message["content"], [{"type": "text", "text": REPLY_TEXT}])
        self.assertEqual(
            {k: message[k] for k in ("type", "role", "model", "stop_reason", "stop_sequence")},
            {
                "type": "message",
                "role": "assistant",
                "model": "claude-sonnet-4-5-20250929",
                "stop_reason": "end_turn",
                "stop_sequence": None,
            },
        )
        self.assertRegex(message["id"], r"^msg_bdrk_[0-9a-f]{24}$")
        self.assertEqual(
            message["usage"],
            {
                "input_tokens": expected["input"],
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "output_tokens": expected["output"],
            },
        )
        headers = response["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers["x-amzn-bedrock-input-token-count"], str(expected["input"]))
        self.assertEqual(headers["x-amzn-bedrock-output-token-count"], str(expected["output"]))
        self.assertEqual(headers["x-amzn-bedrock-cache-read-input-token-count"], "0")
        self.assertEqual(headers["x-amzn-bedrock-cache-write-input-token-count"], "0")
        self.assertGreater(int(headers["x-amzn-bedrock-invocation-latency"]), 0)
        self.assertEqual(response["contentType"], "application/json")

    def test_stream_is_an_aws_event_stream_of_anthropic_events(self) -> None:
        response = runtime(self.creds).invoke_model_with_response_stream(modelId=self.jane, body=anthropic_body())
        self.assertEqual(
            response["ResponseMetadata"]["HTTPHeaders"]["content-type"], "application/vnd.amazon.eventstream"
        )
        events = [json.loads(e["chunk"]["bytes"]) for e in response["body"]]
        types = [e["type"] for e in events]
        self.assertEqual(types[:2], ["message_start", "content_block_start"])
        self.assertEqual(types[-3:], ["content_block_stop", "message_delta", "message_stop"])
        self.assertEqual("".join(e["delta"]["text"] for e in events if e["type"] == "content_block_delta"), REPLY_TEXT)
        expected = usage_for_anthropic(json.loads(anthropic_body()))
        self.assertEqual(events[0]["message"]["usage"]["input_tokens"], expected["input"])
        self.assertEqual(events[-2]["usage"], {"output_tokens": expected["output"]})
        metrics = events[-1]["amazon-bedrock-invocationMetrics"]
        self.assertEqual(
            {
                k: metrics[k]
                for k in (
                    "inputTokenCount",
                    "outputTokenCount",
                    "cacheReadInputTokenCount",
                    "cacheWriteInputTokenCount",
                )
            },
            {
                "inputTokenCount": expected["input"],
                "outputTokenCount": expected["output"],
                "cacheReadInputTokenCount": 0,
                "cacheWriteInputTokenCount": 0,
            },
        )
        self.assertGreaterEqual(metrics["invocationLatency"], metrics["firstByteLatency"])

    def test_the_claude_code_request_shape_is_accepted(self) -> None:
        """Raw colons and %2F in the path, Anthropic SDK style, and no anthropic_version in the body."""
        path = f"/model/{quote(self.jane, safe=':')}/invoke-with-response-stream"
        body = json.dumps(
            {"max_tokens": 100, "messages": MESSAGES, "anthropic_beta": ["claude-code-20250219"]}
        ).encode()
        request = AWSRequest(
            method="POST",
            url=emulator().runtime + path,
            data=body,
            headers={"Content-Type": "application/json", "Accept": "application/vnd.amazon.eventstream"},
        )
        credentials = Credentials(self.creds["AccessKeyId"], self.creds["SecretAccessKey"], self.creds["SessionToken"])
        SigV4Auth(credentials, "bedrock", REGION).add_auth(request)
        connection = http.client.HTTPConnection(emulator().runtime.split("//")[1], timeout=10)
        connection.request("POST", path, body=body, headers=dict(request.headers))
        answer = connection.getresponse()
        data = answer.read()
        connection.close()
        self.assertEqual(answer.status, 200, data)
        self.assertEqual(answer.getheader("content-type"), "application/vnd.amazon.eventstream")
        self.assertEqual(len(list(eventstream.decode_messages(data))), 8)

    def test_cache_write_then_cache_read_for_the_same_prefix(self) -> None:
        system = [{"type": "text", "text": "You are a careful engineer. " * 20, "cache_control": {"type": "ephemeral"}}]
        body = anthropic_body(system=system)
        client_ = runtime(self.creds)
        first = json.loads(client_.invoke_model(modelId=self.jane, body=body)["body"].read())["usage"]
        second = json.loads(client_.invoke_model(modelId=self.jane, body=body)["body"].read())["usage"]
        expected = usage_for_anthropic(json.loads(body))
        self.assertEqual(
            (first["cache_creation_input_tokens"], first["cache_read_input_tokens"]), (expected["cacheWrite"], 0)
        )
        self.assertEqual(
            (second["cache_creation_input_tokens"], second["cache_read_input_tokens"]), (0, expected["cacheWrite"])
        )
        self.assertGreater(expected["cacheWrite"], 0)

    def test_max_tokens_stops_the_reply(self) -> None:
        message = json.loads(
            runtime(self.creds).invoke_model(modelId=self.jane, body=anthropic_body(max_tokens=1))["body"].read()
        )
        self.assertEqual((message["stop_reason"], message["usage"]["output_tokens"]), ("max_tokens", 1))
        self.assertEqual(message["content"][0]["text"], REPLY_TEXT[:4])

    def test_converse(self) -> None:
        messages = [{"role": "user", "content": [{"text": "hello"}]}]
        answer = runtime(self.creds).converse(
            modelId=self.jane, messages=messages, requestMetadata={"team": "platform"}
        )
        expected = usage_for_converse({"messages": messages})
        self.assertEqual(answer["output"]["message"], {"role": "assistant", "content": [{"text": REPLY_TEXT}]})
        self.assertEqual(answer["stopReason"], "end_turn")
        self.assertEqual(
            answer["usage"],
            {
                "inputTokens": expected["input"],
                "outputTokens": expected["output"],
                "totalTokens": expected["input"] + expected["output"],
                "cacheReadInputTokens": 0,
                "cacheWriteInputTokens": 0,
            },
        )
        self.assertGreater(answer["metrics"]["latencyMs"], 0)

    def test_converse_stream(self) -> None:
        messages = [{"role": "user", "content": [{"text": "hello"}, {"cachePoint": {"type": "default"}}]}]
        events = list(
            runtime(self.creds).converse_stream(modelId=self.env.profiles[("jane", "haiku")], messages=messages)[
                "stream"
            ]
        )
        names = [next(iter(e)) for e in events]
        self.assertEqual(names[0], "messageStart")
        self.assertEqual(names[-3:], ["contentBlockStop", "messageStop", "metadata"])
        self.assertEqual(
            "".join(e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e), REPLY_TEXT
        )
        usage = events[-1]["metadata"]["usage"]
        expected = usage_for_converse({"messages": messages})
        self.assertEqual(
            (usage["inputTokens"], usage["cacheWriteInputTokens"], usage["outputTokens"]),
            (expected["input"], expected["cacheWrite"], expected["output"]),
        )
        self.assertIn("latencyMs", events[-1]["metadata"]["metrics"])

    def test_count_tokens(self) -> None:
        body = json.loads(anthropic_body())
        rt = runtime(self.creds)
        by_invoke = rt.count_tokens(modelId=SONNET_MODEL, input={"invokeModel": {"body": json.dumps(body).encode()}})
        self.assertEqual(by_invoke["inputTokens"], usage_for_anthropic(body)["input"])
        messages = [{"role": "user", "content": [{"text": "hello"}]}]
        by_converse = rt.count_tokens(modelId=self.jane, input={"converse": {"messages": messages}})
        self.assertEqual(by_converse["inputTokens"], usage_for_converse({"messages": messages})["input"])
        global_profile = rt.count_tokens(
            modelId=self.env.profiles[("jane", "haiku")], input={"converse": {"messages": messages}}
        )
        self.assertEqual(global_profile["inputTokens"], by_converse["inputTokens"])
        err = self.assertError(
            "AccessDeniedException",
            runtime(user_creds(self.env, "bob")).count_tokens,
            modelId=self.jane,
            input={"converse": {"messages": messages}},
        )
        self.assertIn("bedrock:CountTokens on resource: " + self.jane, err.response["Error"]["Message"])

    def test_control_plane_reads_on_the_runtime_port(self) -> None:
        bedrock = runtime(self.creds, "bedrock")
        system = bedrock.list_inference_profiles(typeEquals="SYSTEM_DEFINED")["inferenceProfileSummaries"]
        self.assertIn(SONNET, [p["inferenceProfileId"] for p in system])
        profile = bedrock.get_inference_profile(inferenceProfileIdentifier=self.jane)
        self.assertEqual((profile["inferenceProfileArn"], profile["type"]), (self.jane, "APPLICATION"))
        self.assertEqual([m["modelArn"].split(":")[3] for m in profile["models"]], US)
        models = bedrock.list_foundation_models()["modelSummaries"]
        self.assertIn(SONNET_MODEL, [m["modelId"] for m in models])
        self.assertEqual(
            bedrock.get_foundation_model(modelIdentifier=SONNET_MODEL)["modelDetails"]["providerName"], "Anthropic"
        )
        self.assertError(
            "ResourceNotFoundException", bedrock.get_inference_profile, inferenceProfileIdentifier="abcdefghijkl"
        )

    def test_unknown_model_and_bad_body(self) -> None:
        rt = runtime(self.creds)
        missing = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/zzzzzzzzzzzz"
        err = self.assertError("ResourceNotFoundException", rt.invoke_model, modelId=missing, body=anthropic_body())
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        err = self.assertError(
            "ValidationException", rt.invoke_model, modelId=self.jane, body=json.dumps({"messages": MESSAGES})
        )
        self.assertIn("required key [max_tokens] not found", err.response["Error"]["Message"])

    def test_unknown_operation(self) -> None:
        request = urllib.request.Request(f"{emulator().runtime}/async-invoke", method="GET")
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(request, timeout=10)
        self.assertEqual(ctx.exception.code, 404)
        self.assertTrue(ctx.exception.headers["x-amzn-ErrorType"].startswith("UnknownOperationException:"))


class RuntimeAuthorizationTest(RuntimeTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.creds = session(cls.env)
        cls.principal = f"arn:aws:sts::{ACCOUNT}:assumed-role/acme-developer/jane"
        cls.jane = cls.env.profiles[("jane", "sonnet")]

    def test_own_profiles_are_allowed_including_global(self) -> None:
        rt = runtime(self.creds)
        for key in (("jane", "sonnet"), ("jane", "haiku")):
            with self.subTest(profile=key):
                rt.invoke_model(modelId=self.env.profiles[key], body=anthropic_body())

    def test_role_tags_are_principal_tags_and_session_tags_override_them(self) -> None:
        # The role is tagged Project=acme, User=role-default; jane's session has User=jane.
        rt = runtime(self.creds)
        rt.invoke_model(modelId=self.jane, body=anthropic_body())
        iam = client("iam")
        deny = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": "bedrock:InvokeModel",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalTag/Project": PROJECT}},
                }
            ],
        }
        iam.put_role_policy(RoleName="acme-developer", PolicyName="role-tag", PolicyDocument=json.dumps(deny))
        try:
            message = self.denied(rt.invoke_model, modelId=self.jane, body=anthropic_body())
        finally:
            iam.delete_role_policy(RoleName="acme-developer", PolicyName="role-tag")
        self.assertEqual(message, denial(self.principal, "bedrock:InvokeModel", self.jane, EXPLICIT_IDENTITY))

    def test_session_without_user_tag_is_denied(self) -> None:
        creds = session(self.env, tags={})
        message = self.denied(runtime(creds).invoke_model, modelId=self.jane, body=anthropic_body())
        self.assertEqual(
            message, denial(self.principal, "bedrock:InvokeModel", self.jane, no_identity_allow("bedrock:InvokeModel"))
        )

    def test_other_developers_profile_is_denied(self) -> None:
        bob = self.env.profiles[("bob", "sonnet")]
        message = self.denied(runtime(self.creds).invoke_model_with_response_stream, modelId=bob, body=anthropic_body())
        action = "bedrock:InvokeModelWithResponseStream"
        self.assertEqual(message, denial(self.principal, action, bob, no_identity_allow(action)))

    def test_foundation_model_called_directly_is_denied(self) -> None:
        message = self.denied(runtime(self.creds).invoke_model, modelId=SONNET_MODEL, body=anthropic_body())
        resource = f"arn:aws:bedrock:{REGION}::foundation-model/{SONNET_MODEL}"
        self.assertEqual(
            message, denial(self.principal, "bedrock:InvokeModel", resource, no_identity_allow("bedrock:InvokeModel"))
        )

    def test_system_profile_called_directly_is_denied(self) -> None:
        messages = [{"role": "user", "content": [{"text": "hello"}]}]
        message = self.denied(runtime(self.creds).converse, modelId=SONNET, messages=messages)
        resource = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/{SONNET}"
        self.assertEqual(
            message, denial(self.principal, "bedrock:InvokeModel", resource, no_identity_allow("bedrock:InvokeModel"))
        )

    def test_explicit_deny_in_an_identity_policy(self) -> None:
        iam = client("iam")
        deny = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": self.jane}],
        }
        iam.put_role_policy(RoleName="acme-developer", PolicyName="deny", PolicyDocument=json.dumps(deny))
        try:
            message = self.denied(runtime(self.creds).invoke_model, modelId=self.jane, body=anthropic_body())
        finally:
            iam.delete_role_policy(RoleName="acme-developer", PolicyName="deny")
        self.assertEqual(message, denial(self.principal, "bedrock:InvokeModel", self.jane, EXPLICIT_IDENTITY))

    def test_a_tag_change_takes_effect_on_the_next_call(self) -> None:
        """The spend-cap enforcer blocks a developer by tagging their profiles BudgetState=blocked."""
        iam = client("iam")
        deny = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/BudgetState": "blocked"}},
                }
            ],
        }
        bedrock = client("bedrock")
        iam.put_role_policy(RoleName="acme-developer", PolicyName="budget", PolicyDocument=json.dumps(deny))
        try:
            runtime(self.creds).invoke_model(modelId=self.jane, body=anthropic_body())
            bedrock.tag_resource(resourceARN=self.jane, tags=[{"key": "BudgetState", "value": "blocked"}])
            message = self.denied(runtime(self.creds).invoke_model, modelId=self.jane, body=anthropic_body())
            self.assertEqual(message, denial(self.principal, "bedrock:InvokeModel", self.jane, EXPLICIT_IDENTITY))
            bedrock.untag_resource(resourceARN=self.jane, tagKeys=["BudgetState"])
            runtime(self.creds).invoke_model(modelId=self.jane, body=anthropic_body())
        finally:
            bedrock.untag_resource(resourceARN=self.jane, tagKeys=["BudgetState"])
            iam.delete_role_policy(RoleName="acme-developer", PolicyName="budget")

    def test_region_deny_applies_to_every_destination_region(self) -> None:
        iam = client("iam")
        deny = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": "bedrock:*",
                    "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}},
                }
            ],
        }
        iam.put_role_policy(RoleName="acme-developer", PolicyName="region", PolicyDocument=json.dumps(deny))
        try:
            message = self.denied(runtime(self.creds).invoke_model, modelId=self.jane, body=anthropic_body())
        finally:
            iam.delete_role_policy(RoleName="acme-developer", PolicyName="region")
        resource = f"arn:aws:bedrock:us-east-2::foundation-model/{SONNET_MODEL}"
        self.assertEqual(message, denial(self.principal, "bedrock:InvokeModel", resource, EXPLICIT_IDENTITY))

    def test_bearer_token_of_a_developer_is_denied(self) -> None:
        status, headers, body = bearer_invoke(short_term_key(self.creds), self.jane)
        self.assertEqual(status, 403)
        self.assertTrue(headers["x-amzn-ErrorType"].startswith("AccessDeniedException:"))
        self.assertEqual(body["message"], denial(self.principal, "bedrock:CallWithBearerToken", "*", EXPLICIT_IDENTITY))

    def test_bearer_tokens_of_an_allowed_user(self) -> None:
        iam = client("iam")
        long_term = iam.create_service_specific_credential(UserName="svc", ServiceName="bedrock.amazonaws.com")
        secret = long_term["ServiceSpecificCredential"]["ServiceCredentialSecret"]
        for kind, token in (("long-term", secret), ("short-term", short_term_key(user_creds(self.env, "svc")))):
            with self.subTest(kind=kind):
                status, _, body = bearer_invoke(token, self.jane)
                self.assertEqual(status, 200, body)
                self.assertEqual(body["content"][0]["text"], REPLY_TEXT)

    def test_unknown_bearer_token(self) -> None:
        for token in (
            "ABSKbm90LWEta2V5",
            "bedrock-api-key-" + base64.b64encode(b"bedrock.amazonaws.com/?Action=x").decode(),
            "nonsense",
        ):
            with self.subTest(token=token):
                status, _, body = bearer_invoke(token, self.jane)
                self.assertEqual(
                    (status, body), (403, {"Message": "Authentication failed: Please make sure your API Key is valid."})
                )

    def test_control_plane_reads_are_authorized(self) -> None:
        creds = user_creds(self.env, "bob")  # an IAM user with no policies
        message = self.denied(runtime(creds, "bedrock").list_inference_profiles)
        principal = f"arn:aws:iam::{ACCOUNT}:user/bob"
        self.assertEqual(
            message,
            denial(principal, "bedrock:ListInferenceProfiles", "*", no_identity_allow("bedrock:ListInferenceProfiles")),
        )


class IamUserIdentityTest(RuntimeTestCase):
    """`access.identity: username`: developers call Bedrock as IAM users, matched by `${aws:username}`."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        iam = client("iam")
        policy = iam.create_policy(PolicyName="acme-developer-users", PolicyDocument=policies()["developerUsername"])
        iam.create_group(GroupName="acme-developers")
        iam.attach_group_policy(GroupName="acme-developers", PolicyArn=policy["Policy"]["Arn"])
        for user in ("jane", "bob"):
            iam.add_user_to_group(GroupName="acme-developers", UserName=user)

    def test_own_profile_is_allowed_by_user_name(self) -> None:
        runtime(user_creds(self.env, "jane")).invoke_model(
            modelId=self.env.profiles[("jane", "sonnet")], body=anthropic_body()
        )

    def test_another_users_profile_is_refused(self) -> None:
        bob = self.env.profiles[("bob", "sonnet")]
        message = self.denied(
            runtime(user_creds(self.env, "jane")).invoke_model, modelId=bob, body=anthropic_body()
        )
        self.assertEqual(
            message,
            denial(
                f"arn:aws:iam::{ACCOUNT}:user/jane",
                "bedrock:InvokeModel",
                bob,
                "because no identity-based policy allows the bedrock:InvokeModel action",
            ),
        )


class RuntimeAuthenticationTest(RuntimeTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.creds = session(cls.env)
        cls.jane = cls.env.profiles[("jane", "sonnet")]

    def invoke(self, creds: dict[str, str]) -> Any:
        return runtime(creds).invoke_model(modelId=self.jane, body=anthropic_body())

    def test_unknown_access_key(self) -> None:
        err = self.assertError(
            "UnrecognizedClientException", self.invoke, {"AccessKeyId": "AKIAUNKNOWNUNKNOWN00", "SecretAccessKey": "x"}
        )
        self.assertEqual(err.response["Error"]["Message"], "The security token included in the request is invalid.")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertError("UnrecognizedClientException", self.invoke, {"AccessKeyId": "test", "SecretAccessKey": "test"})

    def test_bad_signature(self) -> None:
        err = self.assertError("InvalidSignatureException", self.invoke, {**self.creds, "SecretAccessKey": "wrong"})
        self.assertTrue(
            err.response["Error"]["Message"].startswith("The request signature we calculated does not match")
        )
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_missing_or_wrong_session_token(self) -> None:
        without = {"AccessKeyId": self.creds["AccessKeyId"], "SecretAccessKey": self.creds["SecretAccessKey"]}
        self.assertError("UnrecognizedClientException", self.invoke, without)
        self.assertError("UnrecognizedClientException", self.invoke, {**self.creds, "SessionToken": "other"})

    def test_expired_session(self) -> None:
        # moto takes DurationSeconds as given (AWS's minimum is 900): a 1-second session, botocore's
        # parameter validation off.
        sts = client("sts", user_creds(self.env, "jane"), parameter_validation=False)
        creds = sts.assume_role(
            RoleArn=self.env.role_arn,
            RoleSessionName="jane",
            DurationSeconds=1,
            Tags=[{"Key": "User", "Value": "jane"}],
        )["Credentials"]
        time.sleep(1.1)
        err = self.assertError("ExpiredTokenException", self.invoke, creds)
        self.assertEqual(err.response["Error"]["Message"], "The security token included in the request is expired")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_iam_user_keys_sign_requests(self) -> None:
        message = json.loads(self.invoke(user_creds(self.env, "svc"))["body"].read())
        self.assertEqual(message["content"][0]["text"], REPLY_TEXT)


class InvocationLoggingTest(RuntimeTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.creds = session(cls.env)
        cls.jane = cls.env.profiles[("jane", "sonnet")]

    def records(self) -> tuple[list[dict[str, Any]], list[tuple[str, dict[str, Any]]]]:
        """(CloudWatch records, [(S3 key, record)])."""
        events = client("logs").filter_log_events(
            logGroupName=LOG_GROUP, logStreamNames=["aws/bedrock/modelinvocations"]
        )["events"]
        s3 = client("s3")
        objects = []
        for item in s3.list_objects_v2(Bucket=self.env.bucket).get("Contents", []):
            data = gzip.decompress(s3.get_object(Bucket=self.env.bucket, Key=item["Key"])["Body"].read())
            objects += [(item["Key"], json.loads(line)) for line in data.decode().splitlines() if line]
        return [json.loads(e["message"]) for e in events], objects

    def find(self, request_id: str) -> tuple[list[dict[str, Any]], list[tuple[str, dict[str, Any]]]]:
        cloudwatch, s3 = self.records()
        return [r for r in cloudwatch if r["requestId"] == request_id], [
            (k, r) for k, r in s3 if r["requestId"] == request_id
        ]

    def test_invoke_is_logged_to_cloudwatch_and_s3(self) -> None:
        response = runtime(self.creds).invoke_model(modelId=self.jane, body=anthropic_body())
        usage = json.loads(response["body"].read())["usage"]
        request_id = response["ResponseMetadata"]["RequestId"]
        cloudwatch, s3 = self.find(request_id)
        self.assertEqual(len(cloudwatch), 1)
        self.assertEqual(len(s3), 1)
        key, record = s3[0]
        self.assertEqual(record, cloudwatch[0])
        self.assertEqual(
            {
                k: record[k]
                for k in (
                    "schemaType",
                    "schemaVersion",
                    "accountId",
                    "region",
                    "operation",
                    "modelId",
                    "inferenceRegion",
                )
            },
            {
                "schemaType": "ModelInvocationLog",
                "schemaVersion": "1.0",
                "accountId": ACCOUNT,
                "region": REGION,
                "operation": "InvokeModel",
                "modelId": self.jane,
                "inferenceRegion": "us-east-1",
            },
        )
        self.assertEqual(record["identity"], {"arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/acme-developer/jane"})
        self.assertRegex(record["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(record["input"]["inputBodyJson"], json.loads(anthropic_body()))
        self.assertEqual(record["input"]["inputContentType"], "application/json")
        self.assertEqual(
            (
                record["input"]["inputTokenCount"],
                record["input"]["cacheReadInputTokenCount"],
                record["input"]["cacheWriteInputTokenCount"],
                record["output"]["outputTokenCount"],
            ),
            (
                usage["input_tokens"],
                usage["cache_read_input_tokens"],
                usage["cache_creation_input_tokens"],
                usage["output_tokens"],
            ),
        )
        self.assertEqual(record["output"]["outputBodyJson"]["content"][0]["text"], REPLY_TEXT)
        ts = record["timestamp"]
        hour_path = f"{ts[0:4]}/{ts[5:7]}/{ts[8:10]}/{ts[11:13]}/"
        self.assertTrue(
            key.startswith(f"{KEY_PREFIX}/AWSLogs/{ACCOUNT}/BedrockModelInvocationLogs/{REGION}/{hour_path}"), key
        )
        self.assertRegex(key, r"/\d{8}T\d{9}Z_[0-9a-f]{16}\.json\.gz$")

    def test_records_are_dated_by_the_emulator_clock(self) -> None:
        set_clock("2027-02-01T10:00:00Z")
        try:
            response = runtime(self.creds).invoke_model(modelId=self.jane, body=anthropic_body())
        finally:
            set_clock(None)
        cloudwatch, s3 = self.find(response["ResponseMetadata"]["RequestId"])
        self.assertTrue(cloudwatch[0]["timestamp"].startswith("2027-02-01T10:00:"), cloudwatch[0]["timestamp"])
        self.assertIn("/2027/02/01/10/", s3[0][0])

    def test_records_reach_a_function_subscribed_to_the_log_group(self) -> None:
        """The whole chain the spend-cap enforcer runs in: data plane → log group → subscription →
        the function's code, with the real subscription payload."""
        tmp = tempfile.TemporaryDirectory(prefix="ccb-runtime-test-")
        self.addCleanup(tmp.cleanup)
        out = Path(tmp.name) / "events.jsonl"
        fn = create_function("enforcer", {"index.js": SINK_JS}, {"OUT": str(out)})
        client("lambda").add_permission(
            FunctionName="enforcer",
            StatementId="logs",
            Action="lambda:InvokeFunction",
            Principal="logs.amazonaws.com",
            SourceArn=f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{LOG_GROUP}:*",
        )
        logs = client("logs")
        logs.put_subscription_filter(
            logGroupName=LOG_GROUP,
            filterName="enforcer",
            filterPattern='{ $.schemaType = "ModelInvocationLog" }',
            destinationArn=fn,
        )
        self.addCleanup(logs.delete_subscription_filter, logGroupName=LOG_GROUP, filterName="enforcer")
        response = runtime(self.creds).invoke_model(modelId=self.jane, body=anthropic_body())
        settle()
        [payload] = read_lines(out)
        self.assertEqual(
            (payload["messageType"], payload["owner"], payload["logGroup"], payload["logStream"], payload["subscriptionFilters"]),
            ("DATA_MESSAGE", ACCOUNT, LOG_GROUP, "aws/bedrock/modelinvocations", ["enforcer"]),
        )
        [event] = payload["logEvents"]
        [record], _ = self.find(response["ResponseMetadata"]["RequestId"])
        self.assertEqual(json.loads(event["message"]), record)

    def test_stream_and_converse_records(self) -> None:
        rt = runtime(self.creds)
        stream = rt.invoke_model_with_response_stream(modelId=self.jane, body=anthropic_body())
        events = [json.loads(e["chunk"]["bytes"]) for e in stream["body"]]
        (record,), _ = self.find(stream["ResponseMetadata"]["RequestId"])
        self.assertEqual(record["operation"], "InvokeModelWithResponseStream")
        self.assertEqual(record["output"]["outputBodyJson"], events)
        self.assertEqual(
            record["output"]["outputTokenCount"], events[-1]["amazon-bedrock-invocationMetrics"]["outputTokenCount"]
        )
        answer = rt.converse(
            modelId=self.jane,
            messages=[{"role": "user", "content": [{"text": "hi"}]}],
            requestMetadata={"team": "platform"},
        )
        (record,), _ = self.find(answer["ResponseMetadata"]["RequestId"])
        self.assertEqual(record["operation"], "Converse")
        self.assertEqual(record["requestMetadata"], {"team": "platform"})
        self.assertEqual(record["output"]["outputTokenCount"], answer["usage"]["outputTokens"])

    def test_denied_calls_and_count_tokens_are_not_logged(self) -> None:
        before = self.records()
        self.assertError(
            "AccessDeniedException",
            runtime(self.creds).invoke_model,
            modelId=self.env.profiles[("bob", "sonnet")],
            body=anthropic_body(),
        )
        runtime(self.creds).count_tokens(
            modelId=SONNET_MODEL, input={"invokeModel": {"body": anthropic_body().encode()}}
        )
        self.assertEqual(self.records(), before)

    def test_without_text_delivery_the_bodies_are_left_out(self) -> None:
        put_logging(self.env, text=False)
        try:
            response = runtime(self.creds).invoke_model(modelId=self.jane, body=anthropic_body())
        finally:
            put_logging(self.env)
        (record,), _ = self.find(response["ResponseMetadata"]["RequestId"])
        self.assertNotIn("inputBodyJson", record["input"])
        self.assertNotIn("outputBodyJson", record["output"])
        self.assertIn("inputTokenCount", record["input"])

    def test_logging_disabled_writes_nothing(self) -> None:
        client("bedrock").delete_model_invocation_logging_configuration()
        try:
            response = runtime(self.creds).invoke_model(modelId=self.jane, body=anthropic_body())
        finally:
            put_logging(self.env)
        self.assertEqual(self.find(response["ResponseMetadata"]["RequestId"]), ([], []))


class ServiceControlPolicyTest(RuntimeTestCase):
    MANAGEMENT = "111111111111"

    @classmethod
    def setUpClass(cls) -> None:
        reset()
        org = client("organizations", account=cls.MANAGEMENT)
        org.create_organization(FeatureSet="ALL")
        root = org.list_roots()["Roots"][0]["Id"]
        org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
        member = org.create_account(AccountName="dev", Email="dev@example.com")["CreateAccountStatus"]["AccountId"]
        deny = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "bedrock:InvokeModelWithResponseStream", "Resource": "*"}],
        }
        policy = org.create_policy(
            Content=json.dumps(deny), Description="no streaming", Name="DenyStreaming", Type="SERVICE_CONTROL_POLICY"
        )
        policy_id = policy["Policy"]["PolicySummary"]["Id"]
        org.attach_policy(PolicyId=policy_id, TargetId=root)
        cls.env = build(member)
        cls.management = build(cls.MANAGEMENT)

    def test_scp_deny_in_a_member_account(self) -> None:
        env = self.env
        creds = session(env)
        profile = env.profiles[("jane", "sonnet")]
        runtime(creds).invoke_model(modelId=profile, body=anthropic_body())
        message = self.denied(runtime(creds).invoke_model_with_response_stream, modelId=profile, body=anthropic_body())
        principal = f"arn:aws:sts::{env.account}:assumed-role/acme-developer/jane"
        self.assertEqual(
            message,
            denial(
                principal,
                "bedrock:InvokeModelWithResponseStream",
                profile,
                "with an explicit deny in a service control policy",
            ),
        )

    def test_scps_do_not_apply_to_the_management_account(self) -> None:
        creds = session(self.management)
        stream = runtime(creds).invoke_model_with_response_stream(
            modelId=self.management.profiles[("jane", "sonnet")], body=anthropic_body()
        )
        self.assertEqual(len(list(stream["body"])), 8)


if __name__ == "__main__":
    unittest.main()
