"""Tests of the Bedrock Runtime data plane (ext_bedrock_runtime.py) and STS session tags (ext_sts.py).

Run: python3 -m unittest discover -s scripts/emulator -p 'test_*.py'

One server (server.py: moto on one port, the data plane on another) is started
for the module and always stopped at the end. Each test class resets moto and
builds a developer environment like the stack's: IAM users jane and bob (tag
User), the role acme-developer with the project's real trust and developer
policies (rendered from packages/foundation/dist when it is built; otherwise an
equivalent hand-written copy), SAML and OIDC providers, application inference
profiles tagged User/Project, a log group, a bucket and the invocation logging
configuration. Callers use boto3 clients on the data-plane port, signed with
the credentials the emulator issued.
"""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import boto3
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import eventstream  # noqa: E402
import sigv4  # noqa: E402
from ext_bedrock_runtime import REPLY_TEXT, s3_key, usage_for_anthropic, usage_for_converse  # noqa: E402
from test_emulator import ModuleServer  # noqa: E402

REPO = HERE.parent.parent
ACCOUNT = "123456789012"
REGION = "us-east-1"
PROJECT = "acme"
SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
SONNET_MODEL = SONNET.split(".", 1)[1]
US = ["us-east-1", "us-east-2", "us-west-1", "us-west-2"]
SAML_AUD = "https://signin.aws.amazon.com/saml"
OIDC_HOST = "idp.example.com"
LOG_GROUP = "/aws/bedrock/acme-invocations"
KEY_PREFIX = "invocations"
MESSAGES = [{"role": "user", "content": "hello"}]

_server = ModuleServer("ccb-runtime-test-")
ENDPOINT = ""
RUNTIME = ""
POLICIES: dict[str, str] = {}


def _render_policies() -> dict[str, str]:
    """The developer and trust policy documents of packages/foundation, for account 123456789012."""
    script = """
const f = require('./packages/foundation/dist');
const account = '123456789012';
const us = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'];
const tiers = [
  { profileId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', destinationRegions: us },
  { profileId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0', destinationRegions: ['*'] },
];
const developer = f.developerPolicyStatements({ partition: 'aws', region: 'us-east-1', accountId: account,
  project: 'acme', tiers, identity: 'principalTag', allowedRegions: us });
const developerUsername = f.developerPolicyStatements({ partition: 'aws', region: 'us-east-1',
  accountId: account, project: 'acme', tiers, identity: 'username', allowedRegions: us });
const trust = f.trustStatements({
  principals: [`arn:aws:iam::${account}:user/jane`, `arn:aws:iam::${account}:user/bob`],
  saml: { providerArn: `arn:aws:iam::${account}:saml-provider/corp` },
  oidc: { providerArn: `arn:aws:iam::${account}:oidc-provider/idp.example.com`, audience: 'sts.amazonaws.com' },
}, true);
console.log(JSON.stringify({ developer: f.toPolicyDocument(developer), trust: f.toPolicyDocument(trust),
  developerUsername: f.toPolicyDocument(developerUsername) }));
"""
    # No fallback copy: a hand-written policy would drift from the one the stack deploys.
    out = subprocess.run(["node", "-e", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"cannot render the foundation policies (run `npm run build` first):\n{out.stderr}")
    docs = json.loads(out.stdout)
    return {
        "developer": json.dumps(docs["developer"]),
        "developerUsername": json.dumps(docs["developerUsername"]),
        "trust": json.dumps(docs["trust"]),
        "source": "foundation",
    }


def setUpModule() -> None:
    global ENDPOINT, RUNTIME
    POLICIES.update(_render_policies())
    _server.start()
    ENDPOINT, RUNTIME = _server.endpoint, _server.runtime


def tearDownModule() -> None:
    _server.stop()


# --------------------------------------------------------------------------- helpers


def client(
    service: str, creds: dict[str, str] | None = None, account: str | None = None, endpoint: str | None = None
) -> Any:
    creds = creds or {"AccessKeyId": "test", "SecretAccessKey": "test"}
    made = boto3.client(
        service,
        endpoint_url=endpoint or ENDPOINT,
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"),
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    if account:
        made.meta.events.register(
            "before-sign", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account)
        )
    return made


def runtime(creds: dict[str, str], service: str = "bedrock-runtime") -> Any:
    return client(service, creds, endpoint=RUNTIME)


def reset() -> None:
    request = urllib.request.Request(f"{ENDPOINT}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def build(account: str = ACCOUNT) -> SimpleNamespace:
    """The stack's developer environment in ``account`` (default: the emulator's default account)."""
    swap = (lambda doc: doc.replace(ACCOUNT, account)) if account != ACCOUNT else (lambda doc: doc)
    iam = client("iam", account=account)
    bedrock = client("bedrock", account=account)
    env = SimpleNamespace(account=account, keys={}, profiles={})
    for user in ("jane", "bob", "svc"):
        iam.create_user(UserName=user, Tags=[{"Key": "User", "Value": user}])
        env.keys[user] = iam.create_access_key(UserName=user)["AccessKey"]
    iam.put_user_policy(
        UserName="svc",
        PolicyName="bedrock",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}]}
        ),
    )
    iam.create_saml_provider(
        Name="corp", SAMLMetadataDocument="<EntityDescriptor>" + "x" * 1000 + "</EntityDescriptor>"
    )
    iam.create_open_id_connect_provider(
        Url=f"https://{OIDC_HOST}", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
    )
    env.role_arn = iam.create_role(
        RoleName="acme-developer",
        AssumeRolePolicyDocument=swap(POLICIES["trust"]),
        Tags=[{"Key": "Project", "Value": PROJECT}, {"Key": "User", "Value": "role-default"}],
    )["Role"]["Arn"]
    policy_arn = iam.create_policy(PolicyName="acme-developer", PolicyDocument=swap(POLICIES["developer"]))["Policy"][
        "Arn"
    ]
    iam.attach_role_policy(RoleName="acme-developer", PolicyArn=policy_arn)
    for owner, tier, source in (("jane", "sonnet", SONNET), ("jane", "haiku", HAIKU), ("bob", "sonnet", SONNET)):
        env.profiles[(owner, tier)] = bedrock.create_inference_profile(
            inferenceProfileName=f"acme-{owner}-{tier}",
            modelSource={"copyFrom": f"arn:aws:bedrock:{REGION}:{account}:inference-profile/{source}"},
            tags=[
                {"key": "User", "value": owner},
                {"key": "Project", "value": PROJECT},
                {"key": "Team", "value": "platform"},
            ],
        )["inferenceProfileArn"]
    env.bucket = f"acme-{account}-bedrock-invocation-logs"
    client("logs", account=account).create_log_group(logGroupName=LOG_GROUP)
    client("s3", account=account).create_bucket(Bucket=env.bucket)
    put_logging(env)
    return env


def put_logging(env: SimpleNamespace, text: bool = True) -> None:
    client("bedrock", account=env.account).put_model_invocation_logging_configuration(
        loggingConfig={
            "cloudWatchConfig": {
                "logGroupName": LOG_GROUP,
                "roleArn": f"arn:aws:iam::{env.account}:role/acme-bedrock-logging",
            },
            "s3Config": {"bucketName": env.bucket, "keyPrefix": KEY_PREFIX},
            "textDataDeliveryEnabled": text,
        }
    )


def session(env: SimpleNamespace, user: str = "jane", tags: dict[str, str] | None = None) -> dict[str, str]:
    """Credentials of ``user``'s acme-developer session (tag User=<user> unless ``tags`` says otherwise)."""
    sts = client("sts", env.keys[user])
    tags = {"User": user} if tags is None else tags
    return sts.assume_role(
        RoleArn=env.role_arn, RoleSessionName=user, Tags=[{"Key": k, "Value": v} for k, v in tags.items()]
    )["Credentials"]


def user_creds(env: SimpleNamespace, user: str) -> dict[str, str]:
    key = env.keys[user]
    return {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}


def anthropic_body(**extra: Any) -> str:
    return json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 512, "messages": MESSAGES, **extra})


def short_term_key(creds: dict[str, str], region: str = REGION, expires: int = 43200) -> str:
    """A Bedrock short-term API key, made the way aws-bedrock-token-generator makes it."""
    request = AWSRequest(
        method="POST",
        url="https://bedrock.amazonaws.com/",
        headers={"host": "bedrock.amazonaws.com"},
        params={"Action": "CallWithBearerToken"},
    )
    credentials = Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds.get("SessionToken"))
    SigV4QueryAuth(credentials, "bedrock", region, expires=expires).add_auth(request)
    url = request.url.replace("https://", "") + "&Version=1"
    return "bedrock-api-key-" + base64.b64encode(url.encode()).decode()


def bearer_invoke(token: str, model_id: str) -> tuple[int, dict[str, str], dict[str, Any]]:
    request = urllib.request.Request(
        f"{RUNTIME}/model/{quote(model_id, safe=':')}/invoke",
        data=anthropic_body().encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read())


def jwt(claims: dict[str, Any]) -> str:
    encode = lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")  # noqa: E731
    return f"{encode({'alg': 'RS256', 'typ': 'JWT'})}.{encode(claims)}.c2lnbmF0dXJl"


def saml_assertion(env: SimpleNamespace, tags: dict[str, str], recipient: str = SAML_AUD) -> str:
    provider = f"arn:aws:iam::{env.account}:saml-provider/corp"
    attributes = [
        ("https://aws.amazon.com/SAML/Attributes/Role", f"{env.role_arn},{provider}"),
        ("https://aws.amazon.com/SAML/Attributes/RoleSessionName", "jane@example.com"),
    ] + [(f"https://aws.amazon.com/SAML/Attributes/PrincipalTag:{k}", v) for k, v in tags.items()]
    statement = "".join(
        f'<saml:Attribute Name="{name}"><saml:AttributeValue>{value}</saml:AttributeValue></saml:Attribute>'
        for name, value in attributes
    )
    xml = (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:Assertion>'
        "<saml:Subject><saml:NameID>jane@example.com</saml:NameID>"
        '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<saml:SubjectConfirmationData Recipient="{recipient}"/></saml:SubjectConfirmation></saml:Subject>'
        f"<saml:AttributeStatement>{statement}</saml:AttributeStatement></saml:Assertion></samlp:Response>"
    )
    return base64.b64encode(xml.encode()).decode()


class RuntimeTestCase(unittest.TestCase):
    env: SimpleNamespace

    @classmethod
    def setUpClass(cls) -> None:
        reset()
        cls.env = build()

    def assertError(self, code: str, fn: Any, *args: Any, **kwargs: Any) -> ClientError:
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(ctx.exception.response["Error"]["Code"], code, ctx.exception.response)
        return ctx.exception

    def denied(self, fn: Any, *args: Any, **kwargs: Any) -> str:
        err = self.assertError("AccessDeniedException", fn, *args, **kwargs)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        return err.response["Error"]["Message"]


def denial(principal: str, action: str, resource: str, reason: str) -> str:
    return f"User: {principal} is not authorized to perform: {action} on resource: {resource} {reason}"


def no_identity_allow(action: str) -> str:
    return f"because no identity-based policy allows the {action} action"


EXPLICIT_IDENTITY = "with an explicit deny in an identity-based policy"


# --------------------------------------------------------------------------- units (no server)


class EventStreamTest(unittest.TestCase):
    def test_messages_round_trip_through_botocore_parser(self) -> None:
        payloads = [b'{"bytes":"eyJ0eXBlIjoibWVzc2FnZV9zdGFydCJ9"}', b"{}", "ü".encode() * 300]
        data = b"".join(eventstream.event("chunk", p) for p in payloads)
        buffer = EventStreamBuffer()
        buffer.add_data(data)
        messages = list(buffer)
        self.assertEqual([m.payload for m in messages], payloads)
        for message in messages:
            self.assertEqual(
                message.headers, {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
            )
        self.assertEqual([p for _, p in eventstream.decode_messages(data)], payloads)

    def test_a_corrupted_byte_fails_botocore_crc_check(self) -> None:
        data = bytearray(eventstream.event("chunk", b'{"bytes":"e30="}'))
        for index in (5, len(data) - 6):  # prelude, then payload
            corrupted = bytearray(data)
            corrupted[index] ^= 0xFF
            buffer = EventStreamBuffer()
            buffer.add_data(bytes(corrupted))
            with self.subTest(index=index), self.assertRaises(Exception) as ctx:
                list(buffer)
            self.assertIsInstance(ctx.exception, (ChecksumMismatch, Exception))
            with self.assertRaises(ValueError):
                list(eventstream.decode_messages(bytes(corrupted)))

    def test_exception_messages_carry_the_exception_type(self) -> None:
        buffer = EventStreamBuffer()
        buffer.add_data(eventstream.exception("throttlingException", b'{"message":"slow down"}'))
        (message,) = list(buffer)
        self.assertEqual(message.headers[":message-type"], "exception")
        self.assertEqual(message.headers[":exception-type"], "throttlingException")


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
            secret or self.creds.secret_key, sig, "POST", raw_path, raw_query, headers, request.body
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


# --------------------------------------------------------------------------- operations


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
            url=RUNTIME + path,
            data=body,
            headers={"Content-Type": "application/json", "Accept": "application/vnd.amazon.eventstream"},
        )
        credentials = Credentials(self.creds["AccessKeyId"], self.creds["SecretAccessKey"], self.creds["SessionToken"])
        SigV4Auth(credentials, "bedrock", REGION).add_auth(request)
        connection = http.client.HTTPConnection(RUNTIME.split("//")[1], timeout=10)
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
        request = urllib.request.Request(f"{RUNTIME}/async-invoke", method="GET")
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(request, timeout=10)
        self.assertEqual(ctx.exception.code, 404)
        self.assertTrue(ctx.exception.headers["x-amzn-ErrorType"].startswith("UnknownOperationException:"))


# --------------------------------------------------------------------------- authorization


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
                status, headers, body = bearer_invoke(token, self.jane)
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
        policy = iam.create_policy(PolicyName="acme-developer-users", PolicyDocument=POLICIES["developerUsername"])
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
        sts = boto3.client(
            "sts",
            endpoint_url=ENDPOINT,
            region_name=REGION,
            aws_access_key_id=self.env.keys["jane"]["AccessKeyId"],
            aws_secret_access_key=self.env.keys["jane"]["SecretAccessKey"],
            config=Config(parameter_validation=False, retries={"max_attempts": 1}),
        )
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


# --------------------------------------------------------------------------- STS session tags


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


# --------------------------------------------------------------------------- invocation logging


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


# --------------------------------------------------------------------------- service control policies


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
