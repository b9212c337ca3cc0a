"""What the emulator's test modules share: the server, clients, base test cases and the
developer environment the data-plane tests run against.

- ``start_server`` / ``read_ports`` / ``stop_server``: one server.py process on free ports.
- ``emulator()``: the server the test modules share, started on first use and stopped when the
  test process exits (``--parent-pid`` stops it too if the process dies). Each test resets moto's
  state first (``EmulatorTestCase``), or each test class (``RuntimeTestCase``), so the modules stay
  independent; only a test of the server itself starts its own.
- ``client``: a boto3 client for the shared server (main or data-plane port), optionally in
  another account (``x-moto-account-id``) or with other credentials.
- ``build``: a developer environment like the stack's: IAM users jane, bob (tag User) and svc, the
  role acme-developer with the project's real trust and developer policies (rendered from the built
  packages/foundation), SAML and OIDC providers, application inference profiles tagged
  User/Project, a log group, a bucket and the invocation logging configuration.
- Lambda and background work: ``lambda_zip`` / ``create_function`` (Node.js functions from a few
  lines of JavaScript; ``SINK_JS`` records every event it receives in the file ``$OUT``),
  ``read_lines``, ``control`` (the ``/_emulator/`` routes), ``settle`` (waits until no log delivery
  or asynchronous invocation is pending), ``set_clock``, ``metric_sum`` (CloudWatch).
- Billing: ``model_call`` (one data-plane call and the tokens its answer reports), ``list_cost`` with
  the test's own copies of AWS list prices (``SONNET_US_PRICE``, ``HAIKU_GLOBAL_PRICE``).
"""

from __future__ import annotations

import atexit
import base64
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import zipfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import boto3
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

ACCOUNT = "123456789012"
REGION = "us-east-1"
PROJECT = "acme"
SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
SAML_AUD = "https://signin.aws.amazon.com/saml"
OIDC_HOST = "idp.example.com"
LOG_GROUP = "/aws/bedrock/acme-invocations"
KEY_PREFIX = "invocations"
MESSAGES = [{"role": "user", "content": "hello"}]


# --------------------------------------------------------------------------- server


def start_server(port_file: Path, *flags: str) -> subprocess.Popen[bytes]:
    """server.py on free ports (plus ``flags``, e.g. ``--rate-limits``), stopped when this process
    exits; returns once it serves. Its output goes to ``server.log`` next to the port file (a pipe
    nobody reads would fill up and block the server)."""
    log = (port_file.parent / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "server.py"),
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--parent-pid",
            str(os.getpid()),
            *flags,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if port_file.exists() and port_file.read_text().strip():
            return proc
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {(port_file.parent / 'server.log').read_text(errors='replace')}")
        time.sleep(0.05)
    stop_server(proc)
    raise RuntimeError("server did not start within 30 s")


def read_ports(port_file: Path) -> tuple[int, int]:
    """(main port, Bedrock Runtime port) from server.py's port file (two lines)."""
    main, runtime = port_file.read_text().split()[:2]
    return int(main), int(runtime)


def stop_server(proc: subprocess.Popen[bytes]) -> int | None:
    """SIGTERM (SIGKILL after 10 s); the exit status."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout:
        proc.stdout.close()
    return proc.returncode


class ModuleServer:
    """One emulator (server.py on free ports) and its scratch directory: ``start()``, ``stop()``;
    ``endpoint`` and ``runtime`` are its two addresses."""

    def __init__(self, prefix: str, *flags: str) -> None:
        self.prefix = prefix
        self.flags = flags
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self.endpoint = ""
        self.runtime = ""

    def start(self) -> ModuleServer:
        self._tmp = tempfile.TemporaryDirectory(prefix=self.prefix)
        port_file = Path(self._tmp.name) / "port"
        self._proc = start_server(port_file, *self.flags)
        port, runtime_port = read_ports(port_file)
        self.endpoint = f"http://127.0.0.1:{port}"
        self.runtime = f"http://127.0.0.1:{runtime_port}"
        return self

    def stop(self) -> None:
        if self._proc is not None:
            stop_server(self._proc)
            self._proc = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


_shared: ModuleServer | None = None


def emulator() -> ModuleServer:
    """The server the test modules share (started on first use, stopped at exit)."""
    global _shared
    if _shared is None:
        _shared = ModuleServer("ccb-emulator-test-").start()
        atexit.register(_shared.stop)
    return _shared


def reset() -> None:
    """Resets moto's state (and with it every extension's) on the shared server."""
    request = urllib.request.Request(f"{emulator().endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 200:
            raise RuntimeError(f"moto reset answered {response.status}")


def client(
    service: str,
    creds: dict[str, str] | None = None,
    *,
    region: str = REGION,
    account: str | None = None,
    endpoint: str | None = None,
    **config: Any,
) -> Any:
    """A boto3 client of the shared server (``endpoint`` defaults to its main port), signed with
    ``creds`` (default: the root key ``test``), in ``account`` when given; ``config``: more
    botocore ``Config`` options (``retries`` included). No retries unless ``retries`` says."""
    creds = creds or {"AccessKeyId": "test", "SecretAccessKey": "test"}
    made = boto3.client(
        service,
        endpoint_url=endpoint or emulator().endpoint,
        region_name=region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"),
        config=Config(**{"retries": {"total_max_attempts": 1, "mode": "standard"}, **config}),
    )
    if account:
        made.meta.events.register(
            "before-sign", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account)
        )
    return made


def runtime(creds: dict[str, str], service: str = "bedrock-runtime") -> Any:
    """A client of the shared server's Bedrock Runtime port."""
    return client(service, creds, endpoint=emulator().runtime)


# --------------------------------------------------------------------------- Lambda functions and control routes

#: A handler that appends each event it receives (a CloudWatch Logs subscription's decoded
#: ``awslogs.data``, else the event itself) as one JSON line to the file ``$OUT`` and answers "ok";
#: an event with ``"fail": true`` (or ``$FAIL`` set) makes it throw after recording.
SINK_JS = """
const fs = require('fs');
const zlib = require('zlib');
exports.handler = async (event) => {
  const seen = event.awslogs ? JSON.parse(zlib.gunzipSync(Buffer.from(event.awslogs.data, 'base64'))) : event;
  fs.appendFileSync(process.env.OUT, JSON.stringify(seen) + '\\n');
  if (event.fail || process.env.FAIL) throw new Error('sink failure');
  return 'ok';
};
"""


def lambda_zip(files: dict[str, str]) -> bytes:
    """A deployment package with these files (path -> source)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def lambda_role(account: str | None = None) -> str:
    """The ARN of a role Lambda may assume (created on first use after a reset)."""
    iam = client("iam", account=account)
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    try:
        return iam.get_role(RoleName="ccb-test-lambda")["Role"]["Arn"]
    except ClientError:
        return iam.create_role(RoleName="ccb-test-lambda", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def create_function(
    name: str, files: dict[str, str], env: dict[str, str] | None = None, handler: str = "index.handler", **kwargs: Any
) -> str:
    """A Node.js 20 function with this code; its ARN."""
    return client("lambda").create_function(
        FunctionName=name,
        Runtime=kwargs.pop("Runtime", "nodejs20.x"),
        Role=lambda_role(),
        Handler=handler,
        Code={"ZipFile": lambda_zip(files)},
        Environment={"Variables": env or {}},
        **kwargs,
    )["FunctionArn"]


def read_lines(path: Path) -> list[Any]:
    """The JSON lines a SINK_JS function wrote (none when it never ran)."""
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def control(path: str, body: Any = None, method: str | None = None) -> Any:
    """A request to the emulator's control routes (``/_emulator/<path>``); the JSON answer.
    urllib's HTTPError (with the status) when refused."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{emulator().endpoint}/_emulator/{path}", data=data, method=method or ("POST" if data else "GET")
    )
    with urllib.request.urlopen(request, timeout=130) as response:
        return json.loads(response.read())


def settle(timeout: float = 60) -> None:
    """Waits until no log delivery or asynchronous invocation is pending (fails the test otherwise)."""
    for route in ("logs/deliveries", "lambda/async-invocations", "logs/deliveries"):
        status = control(f"{route}?wait={timeout:g}")
        if status["pending"]:
            raise AssertionError(f"{route} still pending after {timeout} s: {status}")


def set_clock(now: str | None) -> dict[str, Any]:
    return control("clock", {"now": now})


def metric_sum(namespace: str, name: str, dimensions: dict[str, str], around: datetime | None = None) -> float:
    """The sum of a metric's data points within a day of ``around`` (default: now)."""
    at = around or datetime.now(timezone.utc)
    points = client("cloudwatch").get_metric_statistics(
        Namespace=namespace,
        MetricName=name,
        Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
        StartTime=at - timedelta(days=1),
        EndTime=at + timedelta(days=1),
        Period=86400 * 2,
        Statistics=["Sum"],
    )["Datapoints"]
    return sum(p["Sum"] for p in points)


class ErrorAssertions(unittest.TestCase):
    def assertError(self, code: str, fn: Any, *args: Any, **kwargs: Any) -> ClientError:
        """``fn(*args, **kwargs)`` raises a ClientError with this error code; returns it."""
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(ctx.exception.response["Error"]["Code"], code, ctx.exception.response)
        return ctx.exception


class EmulatorTestCase(ErrorAssertions):
    """Each test starts from moto's initial state on the shared server."""

    def setUp(self) -> None:
        reset()


# --------------------------------------------------------------------------- developer environment

_policies: dict[str, str] = {}

_RENDER = """
const f = require('@claude-code-bedrock/foundation');
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
const endpoints = { partition: 'aws', region: 'us-east-1', accountId: account, project: 'acme', tiers };
const developerVpce = f.developerPolicyStatements({ partition: 'aws', region: 'us-east-1', accountId: account,
  project: 'acme', tiers, identity: 'principalTag', allowedRegions: us, sourceVpceIds: [process.argv[1]] });
console.log(JSON.stringify({ developer: f.toPolicyDocument(developer), trust: f.toPolicyDocument(trust),
  developerUsername: f.toPolicyDocument(developerUsername), developerVpce: f.toPolicyDocument(developerVpce),
  runtimeEndpoint: f.toPolicyDocument(f.endpointPolicyStatements('bedrock-runtime', endpoints)),
  controlPlaneEndpoint: f.toPolicyDocument(f.endpointPolicyStatements('bedrock', endpoints)) }));
"""

#: The VPC endpoint id in the rendered ``developerVpce`` policy (``requireVpcEndpoint``); tests
#: replace it with the id of the endpoint they create, as ``build`` swaps the account.
VPCE_PLACEHOLDER = "vpce-0placeholder0000000"


def policies() -> dict[str, str]:
    """The developer (principal-tag and username; with ``requireVpcEndpoint`` for the endpoint
    ``VPCE_PLACEHOLDER``), trust and VPC endpoint (``runtimeEndpoint``, ``controlPlaneEndpoint``)
    policy documents of packages/foundation for account 123456789012, as JSON (rendered once)."""
    if not _policies:
        # No fallback copy: a hand-written policy would drift from the one the stack deploys.
        command = ["node", "-e", _RENDER, VPCE_PLACEHOLDER]
        out = subprocess.run(command, cwd=HERE, capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"cannot render the foundation policies (run `npm run build` first):\n{out.stderr}")
        docs = json.loads(out.stdout)
        _policies.update({name: json.dumps(doc) for name, doc in docs.items()})
    return _policies


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
        AssumeRolePolicyDocument=swap(policies()["trust"]),
        Tags=[{"Key": "Project", "Value": PROJECT}, {"Key": "User", "Value": "role-default"}],
    )["Role"]["Arn"]
    policy_arn = iam.create_policy(PolicyName="acme-developer", PolicyDocument=swap(policies()["developer"]))[
        "Policy"
    ]["Arn"]
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


#: AWS list prices (USD per million tokens, https://aws.amazon.com/bedrock/pricing/) that the billing
#: tests check the emulator's bill against, written out here independently of billing.PRICES.
SONNET_US_PRICE = {"input": "3.30", "output": "16.50", "cacheRead": "0.33", "cacheWrite": "4.125"}  # us.: +10 %
HAIKU_GLOBAL_PRICE = {"input": "1.00", "output": "5.00", "cacheRead": "0.10", "cacheWrite": "1.25"}


def list_cost(price: dict[str, str], usage: dict[str, int]) -> Decimal:
    """Σ tokens × price of one call (``usage`` as ``model_call`` returns it)."""
    return sum((usage[kind] * Decimal(rate) for kind, rate in price.items()), Decimal(0)) / 1_000_000


def model_call(creds: dict[str, str], model_id: str, api: str = "invoke", **extra: Any) -> dict[str, int]:
    """One call on the data plane (``api``: invoke, invoke-stream, converse, converse-stream; ``extra``:
    more of the Anthropic body, or Converse parameters); the token counts its answer reports, as
    ``{"input", "output", "cacheRead", "cacheWrite"}``."""
    data_plane = runtime(creds)
    if api == "invoke":
        answer = json.loads(data_plane.invoke_model(modelId=model_id, body=anthropic_body(**extra))["body"].read())
        usage = answer["usage"]
        return {
            "input": usage["input_tokens"],
            "output": usage["output_tokens"],
            "cacheRead": usage["cache_read_input_tokens"],
            "cacheWrite": usage["cache_creation_input_tokens"],
        }
    if api == "invoke-stream":
        stream = data_plane.invoke_model_with_response_stream(modelId=model_id, body=anthropic_body(**extra))["body"]
        metrics = [json.loads(e["chunk"]["bytes"]) for e in stream][-1]["amazon-bedrock-invocationMetrics"]
        return {
            "input": metrics["inputTokenCount"],
            "output": metrics["outputTokenCount"],
            "cacheRead": metrics["cacheReadInputTokenCount"],
            "cacheWrite": metrics["cacheWriteInputTokenCount"],
        }
    messages = [{"role": "user", "content": [{"text": "hello"}]}]
    if api == "converse":
        usage = data_plane.converse(modelId=model_id, messages=messages, **extra)["usage"]
    else:
        events = data_plane.converse_stream(modelId=model_id, messages=messages, **extra)["stream"]
        usage = [e for e in events if "metadata" in e][0]["metadata"]["usage"]
    return {
        "input": usage["inputTokens"],
        "output": usage["outputTokens"],
        "cacheRead": usage["cacheReadInputTokens"],
        "cacheWrite": usage["cacheWriteInputTokens"],
    }


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
    if request.url is None:
        raise RuntimeError("botocore signed no URL")
    url = request.url.replace("https://", "") + "&Version=1"
    return "bedrock-api-key-" + base64.b64encode(url.encode()).decode()


def bearer_invoke(token: str, model_id: str) -> tuple[int, dict[str, str], dict[str, Any]]:
    """InvokeModel on the data plane with ``Authorization: Bearer <token>``: (status, headers, body)."""
    request = urllib.request.Request(
        f"{emulator().runtime}/model/{quote(model_id, safe=':')}/invoke",
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


class RuntimeTestCase(ErrorAssertions):
    """Each test class starts from moto's initial state with a fresh developer environment (``env``)."""

    env: SimpleNamespace

    @classmethod
    def setUpClass(cls) -> None:
        reset()
        cls.env = build()

    def denied(self, fn: Any, *args: Any, **kwargs: Any) -> str:
        """``fn`` is refused with AccessDeniedException (403); returns the message."""
        err = self.assertError("AccessDeniedException", fn, *args, **kwargs)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        return err.response["Error"]["Message"]
