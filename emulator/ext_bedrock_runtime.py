"""Amazon Bedrock Runtime data plane for the emulator (its own HTTP listener).

Runs inside the emulator process, next to moto, because it needs moto's
in-process state: the secrets of the credentials the emulator issued (IAM user
access keys, STS sessions, Bedrock API keys), the caller's roles, users,
groups, policies and session tags, SCPs, application inference profiles and
their tags, the model invocation logging configuration, log groups and
buckets. ``start_listener(host, port, source_vpce=None)`` starts one HTTP
listener (several may run, e.g. one standing in for a VPC endpoint; its
``source_vpce`` label becomes ``aws:SourceVpce`` in the request context, or its
``network`` resolver names the endpoint and its policy per call: ext_ec2.py).

Operations (paths of botocore's ``bedrock-runtime`` and ``bedrock`` models):
``InvokeModel``, ``InvokeModelWithResponseStream``, ``Converse``,
``ConverseStream``, ``CountTokens``, and the control-plane reads Claude Code
makes against the same base URL: ``ListInferenceProfiles``,
``GetInferenceProfile`` (answered by ext_bedrock.py's code from the same
state), ``ListFoundationModels``, ``GetFoundationModel``. Anything else is
``UnknownOperationException`` (404).

Every request is authenticated (SigV4 with the issued secret, or a Bedrock API
key as ``Authorization: Bearer``) and authorized through the IAM evaluator
(``iam_eval.py``) with the caller's real policies and context, hop by hop as
Bedrock does. The model is a stand-in: it always answers
``Hello from the local Bedrock stand-in.`` and counts tokens with the
deterministic formula of ``usage_for_anthropic`` / ``usage_for_converse``.
Allowed model calls are written to the account's invocation log destinations.
See README.md ("Amazon Bedrock Runtime — data plane").
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import math
import os
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any, Callable, Iterator
from urllib.parse import unquote

from moto.bedrock.models import BedrockBackend, bedrock_backends
from moto.core.exceptions import JsonRESTError

import billing
import clock
import eventstream
import ext_bedrock
import principals
import sigv4
from ext_common import error_status, extend_init

REPLY_TEXT = "Hello from the local Bedrock stand-in."
ANTHROPIC_VERSION = "bedrock-2023-05-31"
ERROR_NAMESPACE = "http://internal.amazon.com/coral/com.amazon.bedrock/"
LOG_STREAM = "aws/bedrock/modelinvocations"
DEFAULT_REGION = "us-east-1"
GLOBAL_REQUESTED_REGION = "unspecified"
BEARER_AUTH_FAILED = "Authentication failed: Please make sure your API Key is valid."
INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"

# Statuses of the errors botocore's bedrock-runtime model does not list (authentication, routing).
_UNMODELLED_STATUS = {
    "UnrecognizedClientException": 403,
    "InvalidSignatureException": 403,
    "IncompleteSignatureException": 403,
    "MissingAuthenticationTokenException": 403,
    "ExpiredTokenException": 403,
    "UnknownOperationException": 404,
}


def now() -> datetime:
    return datetime.now(timezone.utc)


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """An error answer: JSON ``{"message"}`` and ``x-amzn-ErrorType: <Code>:<namespace>``."""

    def __init__(self, code: str, message: str, status: int | None = None, body: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or _UNMODELLED_STATUS.get(code) or error_status("bedrock-runtime", code)
        self.body = body if body is not None else {"message": message}


def _from_moto(err: JsonRESTError) -> ApiError:
    return ApiError(err.error_type, err.message, err.code)


# --------------------------------------------------------------------------- token formula


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 kept (the byte count the formula uses)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def tokens_for(byte_count: int) -> int:
    return math.ceil(byte_count / 4)


def _blocks(content: Any) -> list[Any]:
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return list(content) if isinstance(content, list) else [content]


def anthropic_segments(body: dict[str, Any]) -> tuple[list[Any], int]:
    """Prompt segments in order (each tool, system block, message content block) and the index of
    the last segment carrying ``cache_control`` (-1 when none)."""
    segments: list[Any] = list(body.get("tools") or [])
    segments += _blocks(body.get("system"))
    for message in body.get("messages") or []:
        segments += _blocks(message.get("content") if isinstance(message, dict) else message)
    last = max((i for i, s in enumerate(segments) if isinstance(s, dict) and "cache_control" in s), default=-1)
    return segments, last


def converse_segments(body: dict[str, Any]) -> tuple[list[Any], int]:
    """As ``anthropic_segments`` for a Converse request: the last ``cachePoint`` block ends the cached prefix."""
    segments: list[Any] = list((body.get("toolConfig") or {}).get("tools") or [])
    segments += _blocks(body.get("system"))
    for message in body.get("messages") or []:
        segments += _blocks(message.get("content") if isinstance(message, dict) else message)
    last = max((i for i, s in enumerate(segments) if isinstance(s, dict) and "cachePoint" in s), default=-1)
    return segments, last


def input_usage(segments: list[Any], last_cached: int, cached_before: bool) -> dict[str, int]:
    """The input side of the formula.

    total = ceil(bytes / 4) over the canonical JSON of every segment; with a cache marker the prefix
    up to and including it is ceil(prefix bytes / 4) tokens of cache WRITE (first time this account,
    region and model id see that exact prefix) or cache READ (afterwards); input = total - prefix.
    """
    sizes = [len(canonical_json(s).encode("utf-8")) for s in segments]
    total = tokens_for(sum(sizes))
    prefix = tokens_for(sum(sizes[: last_cached + 1])) if last_cached >= 0 else 0
    return {
        "input": total - prefix,
        "cacheRead": prefix if cached_before else 0,
        "cacheWrite": 0 if cached_before else prefix,
    }


def prefix_key(segments: list[Any], last_cached: int) -> str | None:
    if last_cached < 0:
        return None
    return hashlib.sha256(canonical_json(segments[: last_cached + 1]).encode("utf-8")).hexdigest()


def reply(max_tokens: int | None) -> tuple[str, str, int]:
    """(text, stop reason, output tokens): the fixed reply, cut to ``max_tokens * 4`` bytes when longer."""
    text = REPLY_TEXT
    if max_tokens is not None and tokens_for(len(text.encode("utf-8"))) > max_tokens:
        text = text.encode("utf-8")[: max(max_tokens, 0) * 4].decode("utf-8", "ignore")
        return text, "max_tokens", tokens_for(len(text.encode("utf-8")))
    return text, "end_turn", tokens_for(len(text.encode("utf-8")))


def usage_for_anthropic(body: dict[str, Any], cached_before: bool = False) -> dict[str, int]:
    """Token counts the stand-in reports for an Anthropic Messages request (tests use this)."""
    segments, last = anthropic_segments(body)
    usage = input_usage(segments, last, cached_before)
    usage["output"] = reply(body.get("max_tokens"))[2]
    return usage


def usage_for_converse(body: dict[str, Any], cached_before: bool = False) -> dict[str, int]:
    """Token counts the stand-in reports for a Converse request (tests use this)."""
    segments, last = converse_segments(body)
    usage = input_usage(segments, last, cached_before)
    usage["output"] = reply((body.get("inferenceConfig") or {}).get("maxTokens"))[2]
    return usage


def _init_cache(self: BedrockBackend) -> None:
    self.runtime_prompt_cache = set()  # (model id as called, prefix hash)


extend_init(BedrockBackend, _init_cache)


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class EndpointRoute:
    """How a call reached Bedrock through a VPC endpoint: its id (``aws:SourceVpce``) and the
    endpoint policy evaluated with the caller's policies (None: a label only, no policy)."""

    vpce_id: str
    policy: dict[str, Any] | None = None


#: Operations answered by Amazon Bedrock's host (bedrock.<region>.amazonaws.com) on AWS; the
#: others are Bedrock Runtime's. Through a VPC endpoint each reaches its own service's endpoint.
CONTROL_PLANE_OPERATIONS = frozenset(
    {"ListInferenceProfiles", "GetInferenceProfile", "ListFoundationModels", "GetFoundationModel"}
)

#: Resolves the VPC endpoint a call for an AWS service ("bedrock-runtime" | "bedrock") goes through
#: on a listener; None: the service's public endpoint.
Network = Callable[[str], "EndpointRoute | None"]


@dataclass
class Request:
    method: str
    raw_path: str
    raw_query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_vpce: str | None = None
    default_region: str = DEFAULT_REGION
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: float = field(default_factory=time.monotonic)
    network: Network | None = None

    def service(self) -> str:
        """The AWS service whose host the call is for on AWS (``bedrock-runtime`` or ``bedrock``)."""
        try:
            operation, _ = route(self.method, self.raw_path)
        except ApiError:
            return "bedrock-runtime"
        return "bedrock" if operation in CONTROL_PLANE_OPERATIONS else "bedrock-runtime"

    def endpoint_route(self) -> EndpointRoute | None:
        """The VPC endpoint the call went through; None for the public endpoint."""
        if self.network is not None:
            return self.network(self.service())
        return EndpointRoute(self.source_vpce) if self.source_vpce else None

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def query(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key, value in sigv4.parse_query(self.raw_query):
            out.setdefault(key, []).append(value)
        return out

    def elapsed_ms(self) -> int:
        return max(1, int((time.monotonic() - self.started) * 1000))


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    chunks: Iterator[bytes] | None = None  # streamed (chunked) body


@dataclass
class Caller:
    principal: principals.Principal
    region: str
    bearer: str | None = None  # SHORT_TERM | LONG_TERM for API keys


ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"/model/(?P<id>.+)/invoke"), "InvokeModel"),
    ("POST", re.compile(r"/model/(?P<id>.+)/invoke-with-response-stream"), "InvokeModelWithResponseStream"),
    ("POST", re.compile(r"/model/(?P<id>.+)/converse"), "Converse"),
    ("POST", re.compile(r"/model/(?P<id>.+)/converse-stream"), "ConverseStream"),
    ("POST", re.compile(r"/model/(?P<id>.+)/count-tokens"), "CountTokens"),
    ("GET", re.compile(r"/inference-profiles/?"), "ListInferenceProfiles"),
    ("GET", re.compile(r"/inference-profiles/(?P<id>.+)"), "GetInferenceProfile"),
    ("GET", re.compile(r"/foundation-models/?"), "ListFoundationModels"),
    ("GET", re.compile(r"/foundation-models/(?P<id>.+)"), "GetFoundationModel"),
]


def route(method: str, raw_path: str) -> tuple[str, str | None]:
    for route_method, pattern, operation in ROUTES:
        match = pattern.fullmatch(raw_path)
        if match and method == route_method:
            return operation, unquote(match.group("id")) if "id" in pattern.groupindex else None
    raise ApiError(
        "UnknownOperationException",
        "",
        body={
            "Output": {"__type": "com.amazon.coral.service#UnknownOperationException", "message": None},
            "Version": "1.0",
        },
    )


# --------------------------------------------------------------------------- authentication


def _principal_for_key(access_key: str, security_token: str | None, at: datetime) -> principals.Principal:
    principal = principals.find_credentials(access_key)
    if principal is None or not principal.active:
        raise ApiError("UnrecognizedClientException", INVALID_TOKEN)
    if principal.kind == "session":
        if security_token != principal.session_token:
            raise ApiError("UnrecognizedClientException", INVALID_TOKEN)
        if principal.expiration is not None and at >= principal.expiration:
            raise ApiError("ExpiredTokenException", EXPIRED_TOKEN)
    elif security_token:
        raise ApiError("UnrecognizedClientException", INVALID_TOKEN)
    return principal


def _sigv4_caller(req: Request) -> Caller:
    try:
        sig = sigv4.parse_authorization(req.headers)
        if sig.service != "bedrock":
            raise sigv4.SigV4Error(
                "InvalidSignatureException", "Credential should be scoped to correct service: 'bedrock'. "
            )
        principal = _principal_for_key(sig.access_key, sig.security_token, now())
        try:
            bedrock_backends[principal.account_id][sig.region]
        except KeyError:
            raise sigv4.SigV4Error(
                "InvalidSignatureException", "Credential should be scoped to a valid region. "
            ) from None
        sigv4.verify_header_signature(
            principal.secret, sig, req.method, req.raw_path, req.raw_query, req.headers, req.body
        )
        sigv4.check_clock(sig, now())
    except sigv4.SigV4Error as err:
        raise ApiError(err.code, err.message) from None
    return Caller(principal, sig.region)


def _short_term_key(token: str) -> Caller:
    try:
        url = base64.b64decode(token[len("bedrock-api-key-") :], validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise ApiError("AccessDeniedException", BEARER_AUTH_FAILED, body={"Message": BEARER_AUTH_FAILED}) from None
    host, _, rest = url.partition("/")
    path, _, raw_query = ("/" + rest).partition("?")
    query = [(k, v) for k, v in sigv4.parse_query(raw_query) if not (k == "Version" and v == "1")]
    try:
        if dict(query).get("Action") != "CallWithBearerToken":
            raise sigv4.SigV4Error("InvalidSignatureException", "not a Bedrock API key")
        sig = sigv4.parse_presigned(query)
        if sig.service != "bedrock":
            raise sigv4.SigV4Error("InvalidSignatureException", "not a Bedrock API key")
        principal = _principal_for_key(sig.access_key, sig.security_token, now())
        sigv4.verify_presigned(principal.secret, sig, "POST", path, [("host", host)], now())
    except (sigv4.SigV4Error, ApiError):
        raise ApiError("AccessDeniedException", BEARER_AUTH_FAILED, body={"Message": BEARER_AUTH_FAILED}) from None
    return Caller(principal, sig.region, bearer="SHORT_TERM")


def _long_term_key(token: str, region: str) -> Caller:
    at = now()
    for account_id, partition, backend in principals._all_iam_backends():
        for credential in list(getattr(backend, "service_specific_credentials", {}).values()):
            if credential.get("ServiceCredentialSecret") != token:
                continue
            expires = credential.get("ExpirationDate")
            if credential.get("Status") != "Active" or (expires is not None and at >= principals.utc(expires)):
                break
            try:
                user = backend.get_user(credential["UserName"])
            except Exception:
                break
            return Caller(principals.user_principal(user, account_id, partition), region, bearer="LONG_TERM")
    raise ApiError("AccessDeniedException", BEARER_AUTH_FAILED, body={"Message": BEARER_AUTH_FAILED})


def _region_from_host(req: Request) -> str:
    host = (req.header("host") or "").split(":")[0]
    match = re.fullmatch(r"bedrock(?:-runtime)?(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com", host)
    return match.group(1) if match else req.default_region


def authenticate(req: Request) -> Caller:
    auth = (req.header("authorization") or "").strip()
    if auth[:7].lower() == "bearer ":
        token = auth[7:].strip()
        if token.startswith("bedrock-api-key-"):
            return _short_term_key(token)
        if token.startswith("ABSK"):
            return _long_term_key(token, _region_from_host(req))
        raise ApiError("AccessDeniedException", BEARER_AUTH_FAILED, body={"Message": BEARER_AUTH_FAILED})
    return _sigv4_caller(req)


# --------------------------------------------------------------------------- model resolution


@dataclass
class Target:
    """What a model id resolves to, with what Bedrock authorizes for it."""

    kind: str  # application | system | foundation-model
    arn: str
    model_id: str  # the foundation model id
    regions: list[str]  # destination regions
    is_global: bool = False
    system_arn: str | None = None  # the system profile (itself, or the source of an application profile)
    tags: dict[str, str] = field(default_factory=dict)
    profile: dict[str, Any] | None = None

    @property
    def inference_region(self) -> str:
        return self.regions[0]


def _model_arn(partition: str, region: str, model_id: str) -> str:
    return f"arn:{partition}:bedrock:{region}::foundation-model/{model_id}"


def _model_of(arn: str) -> tuple[str, str]:
    """(region, model id) of a foundation-model ARN."""
    parts = arn.split(":", 5)
    return parts[3], parts[5].split("/", 1)[1]


def resolve(model_id: str, account_id: str, region: str) -> Target:
    backend: BedrockBackend = bedrock_backends[account_id][region]
    partition = ext_bedrock.partition_of(region)
    arn = re.fullmatch(
        r"arn:(?P<partition>[a-z-]+):bedrock:(?P<region>[0-9a-z-]*):(?P<account>[0-9]*):"
        r"(?P<kind>application-inference-profile|inference-profile|foundation-model)/(?P<id>.+)",
        model_id,
    )
    kind = arn["kind"] if arn else None
    if kind == "application-inference-profile":
        assert arn is not None
        profile = backend.inference_profiles.get(arn["id"])
        if profile is None or arn["region"] != region or arn["account"] != account_id:
            raise ApiError("ResourceNotFoundException", f"Inference profile {model_id} not found.")
        regions = [_model_of(m["modelArn"])[0] for m in profile["models"]]
        source = backend.inference_profile_sources.get(arn["id"], "")
        system_arn = None
        is_global = False
        source_match = re.fullmatch(r"arn:[a-z-]+:bedrock:[0-9a-z-]*:[0-9]*:inference-profile/(.+)", source)
        if source_match:
            system_arn = f"arn:{partition}:bedrock:{region}:{account_id}:inference-profile/{source_match[1]}"
            is_global = source_match[1].startswith("global.")
        tags = {t["key"]: t["value"] for t in backend.list_tags_for_resource(profile["inferenceProfileArn"])}
        return Target(
            "application",
            profile["inferenceProfileArn"],
            _model_of(profile["models"][0]["modelArn"])[1],
            regions,
            is_global,
            system_arn,
            tags,
            profile,
        )
    geo = model_id.split(".", 1)[0]
    if kind == "inference-profile" or (kind is None and (geo == "global" or geo in ext_bedrock.GEOGRAPHIES)):
        system_id = arn["id"] if arn else model_id
        if arn and (arn["region"] != region or arn["account"] not in ("", account_id)):
            raise ApiError("ResourceNotFoundException", f"Inference profile {model_id} not found.")
        profile = ext_bedrock.system_profile(system_id, region, account_id)
        if profile is None:
            raise ApiError("ResourceNotFoundException", f"Inference profile {model_id} not found.")
        return Target(
            "system",
            profile["inferenceProfileArn"],
            system_id.split(".", 1)[1],
            [_model_of(m["modelArn"])[0] for m in profile["models"]],
            system_id.startswith("global."),
            profile["inferenceProfileArn"],
            profile=profile,
        )
    foundation_id = arn["id"] if arn else model_id
    if (arn and arn["region"] not in ("", region)) or foundation_id not in ext_bedrock.known_models():
        raise ApiError("ResourceNotFoundException", f"Model {model_id} not found.")
    return Target("foundation-model", _model_arn(partition, region, foundation_id), foundation_id, [region])


# --------------------------------------------------------------------------- authorization


def _model_hops(target: Target, region: str, via: str | None) -> list[tuple[str, dict[str, Any]]]:
    partition = ext_bedrock.partition_of(region)
    extra = {"bedrock:InferenceProfileArn": via} if via else {}
    if target.is_global:
        return [
            (_model_arn(partition, region, target.model_id), {"aws:RequestedRegion": region, **extra}),
            (
                f"arn:{partition}:bedrock:::foundation-model/{target.model_id}",
                {"aws:RequestedRegion": GLOBAL_REQUESTED_REGION, **extra},
            ),
        ]
    return [(_model_arn(partition, r, target.model_id), {"aws:RequestedRegion": r, **extra}) for r in target.regions]


def invoke_hops(target: Target, region: str) -> list[tuple[str, dict[str, Any]]]:
    """(resource ARN, extra context) of each authorization Bedrock makes for a call on ``target``.

    Application profile: the profile (its tags as aws:ResourceTag/*), the system profile it was
    copied from and the foundation model in every destination region, both with
    bedrock:InferenceProfileArn = the application profile. System profile: itself, then the models
    with bedrock:InferenceProfileArn = the system profile. Foundation model: itself. A global
    profile's model hops are the model in the caller's region and the region-less model ARN
    (aws:RequestedRegion ``unspecified``).
    """
    resource_context = {"aws:RequestedRegion": region}
    if target.kind == "application":
        tags = {f"aws:ResourceTag/{k}": v for k, v in target.tags.items()}
        first = [(target.arn, {**resource_context, **tags})]
        via = {"bedrock:InferenceProfileArn": target.arn}
        system = [(target.system_arn, {**resource_context, **via})] if target.system_arn else []
        return first + system + _model_hops(target, region, target.arn)
    if target.kind == "system":
        return [(target.arn, resource_context)] + _model_hops(target, region, target.arn)
    return [(target.arn, resource_context)]


def authorize(caller: Caller, req: Request, action: str, hops: list[tuple[str, dict[str, Any]]]) -> None:
    """All hops must be Allowed; otherwise AccessDeniedException as AWS words it."""
    principal = caller.principal
    base_context = principals.principal_context(principal, now())
    base_context["aws:RequestedRegion"] = caller.region
    via = req.endpoint_route()
    if via:
        base_context["aws:SourceVpce"] = via.vpce_id
    checks: list[tuple[str, str, dict[str, Any]]] = []
    if caller.bearer:
        checks.append(("bedrock:CallWithBearerToken", "*", {"bedrock:BearerTokenType": caller.bearer}))
    checks += [(action, arn, extra) for arn, extra in hops]
    common = {
        "principalArn": principal.arn,
        "identityPolicies": principals.identity_policies(principal),
        "permissionBoundaries": principals.permission_boundaries(principal),
        "serviceControlPolicies": principals.service_control_policies(principal.account_id, principal.partition),
    }
    if via and via.policy is not None:  # AWS evaluates the endpoint's policy with the caller's
        common["vpcEndpointPolicies"] = [{"name": via.vpce_id, "document": via.policy}]
    requests = [
        {**common, "action": act, "resourceArn": arn, "context": {**base_context, **extra}}
        for act, arn, extra in checks
    ]
    results = principals.evaluate(requests)
    for (act, arn, _), result in zip(checks, results, strict=True):
        decision = result.get("decision")
        if decision == "Allowed":
            continue
        if decision == "Error":
            raise ApiError("InternalServerException", f"IAM evaluation failed: {result.get('error')}")
        raise ApiError("AccessDeniedException", principals.denial_message(principal.arn, act, arn, result))


# --------------------------------------------------------------------------- invocation logging


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_log(account_id: str, region: str, record: dict[str, Any], at: datetime) -> None:
    """Delivers one record to the configured destinations (nothing when logging is not configured)."""
    config = bedrock_backends[account_id][region].get_model_invocation_logging_configuration()
    if not config:
        return
    if config.get("textDataDeliveryEnabled") is False:
        record["input"].pop("inputBodyJson", None)
        record["output"].pop("outputBodyJson", None)
    line = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
    cloudwatch = config.get("cloudWatchConfig") or {}
    if cloudwatch.get("logGroupName"):
        try:
            _to_cloudwatch(account_id, region, cloudwatch["logGroupName"], line, at)
        except Exception as err:  # AWS drops records it cannot deliver
            print(f"bedrock-runtime: CloudWatch delivery failed: {err!r}", file=sys.stderr, flush=True)
    s3 = config.get("s3Config") or {}
    if s3.get("bucketName"):
        try:
            _to_s3(account_id, region, s3["bucketName"], s3.get("keyPrefix") or "", line, at)
        except Exception as err:
            print(f"bedrock-runtime: S3 delivery failed: {err!r}", file=sys.stderr, flush=True)


def _to_cloudwatch(account_id: str, region: str, group_name: str, line: str, at: datetime) -> None:
    from moto.logs.models import logs_backends

    backend = logs_backends[account_id][region]
    group = backend.groups.get(group_name)
    if group is None:
        raise LookupError(f"log group {group_name} does not exist")
    if LOG_STREAM not in group.streams:
        backend.create_log_stream(group_name, LOG_STREAM)
    backend.put_log_events(group_name, LOG_STREAM, [{"timestamp": int(at.timestamp() * 1000), "message": line}])


def s3_key(prefix: str, account_id: str, region: str, at: datetime, object_id: str) -> str:
    path = f"AWSLogs/{account_id}/BedrockModelInvocationLogs/{region}/{at:%Y/%m/%d/%H}/"
    name = f"{at:%Y%m%dT%H%M%S}{at.microsecond // 1000:03d}Z_{object_id}.json.gz"
    prefix = prefix.strip("/")
    return f"{prefix}/{path}{name}" if prefix else f"{path}{name}"


def _to_s3(account_id: str, region: str, bucket: str, prefix: str, line: str, at: datetime) -> None:
    from moto.s3.models import s3_backends

    owner = s3_backends.bucket_accounts.get(bucket)
    if owner is None:
        raise LookupError(f"bucket {bucket} does not exist")
    partition, bucket_account = owner
    key = s3_key(prefix, account_id, region, at, uuid.uuid4().hex[:16])
    data = gzip.compress((line + "\n").encode("utf-8"), mtime=0)
    s3_backends[bucket_account][partition].put_object(bucket, key, data)


def log_record(call: Any, output_body: Any) -> dict[str, Any]:
    """The ModelInvocationLog record of an allowed call (a ``Call``)."""
    usage = call.usage
    record: dict[str, Any] = {
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
        "timestamp": _iso(call.at),
        "accountId": call.caller.principal.account_id,
        "identity": {"arn": call.caller.principal.arn},
        "region": call.caller.region,
        "requestId": call.req.request_id,
        "operation": call.operation,
        "modelId": call.model_id,
        "input": {
            "inputContentType": "application/json",
            "inputBodyJson": call.body,
            "inputTokenCount": usage["input"],
            "cacheReadInputTokenCount": usage["cacheRead"],
            "cacheWriteInputTokenCount": usage["cacheWrite"],
        },
        "output": {
            "outputContentType": "application/json",
            "outputBodyJson": output_body,
            "outputTokenCount": usage["output"],
        },
        "inferenceRegion": call.target.inference_region,
    }
    if isinstance(call.body.get("requestMetadata"), dict):
        record["requestMetadata"] = call.body["requestMetadata"]
    return record


# --------------------------------------------------------------------------- operations


def malformed(detail: str = "") -> ApiError:
    """Bedrock's ValidationException for an Anthropic body it cannot use."""
    detail = f": {detail}" if detail else ""
    message = f"Malformed input request{detail}, please reformat your input and try again."
    return ApiError("ValidationException", message)


def _json_body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        raise malformed() from None
    if not isinstance(body, dict):
        raise malformed()
    return body


def _validate_anthropic(body: dict[str, Any]) -> None:
    for key in ("max_tokens", "messages"):
        if key not in body:
            raise malformed(f"#: required key [{key}] not found")
    max_tokens = body["max_tokens"]
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise malformed("#/max_tokens: expected minimum: 1")
    if not isinstance(body["messages"], list) or not body["messages"]:
        raise malformed("#/messages: expected minimum item count: 1")
    version = body.get("anthropic_version")
    if version is not None and version != ANTHROPIC_VERSION:
        raise ApiError("ValidationException", f"Invalid API version: {version}")


def _validate_converse(body: dict[str, Any]) -> None:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ApiError(
            "ValidationException",
            "1 validation error detected: Value null at 'messages' failed to satisfy constraint: "
            "Member must not be null",
        )


def _anthropic_model_name(model_id: str) -> str:
    name = model_id.split(".", 1)[-1] if model_id.startswith("anthropic.") else model_id
    return re.sub(r"-v\d+(:\d+)?$", "", name)


@dataclass
class Call:
    """One authorized model call: who, on what, and what the stand-in answers."""

    caller: Caller
    req: Request
    operation: str
    model_id: str  # as called
    target: Target
    body: dict[str, Any]
    usage: dict[str, int]
    text: str
    stop_reason: str
    at: datetime

    def log(self, output_body: Any) -> None:
        """The call is answered: bill it (billing.py) and write its invocation log record."""
        account_id, region = self.caller.principal.account_id, self.caller.region
        target = self.target
        billing.record(
            account_id,
            self.caller.principal.partition,
            region,
            target.model_id,
            target.is_global,
            self.usage,
            target.tags,
            self.at,
            target.arn,
        )
        record = log_record(self, output_body)
        write_log(account_id, region, record, self.at)


def _call(caller: Caller, req: Request, operation: str, action: str, model_id: str, converse: bool) -> Call:
    """Resolves, authorizes, validates and counts tokens (the cache state is updated here)."""
    target = resolve(model_id, caller.principal.account_id, caller.region)
    authorize(caller, req, action, invoke_hops(target, caller.region))
    body = _json_body(req.body)
    if converse:
        _validate_converse(body)
        segments, last = converse_segments(body)
        max_tokens = (body.get("inferenceConfig") or {}).get("maxTokens")
    else:
        _validate_anthropic(body)
        segments, last = anthropic_segments(body)
        max_tokens = body["max_tokens"]
    backend: BedrockBackend = bedrock_backends[caller.principal.account_id][caller.region]
    key = prefix_key(segments, last)
    seen = key is not None and (model_id, key) in backend.runtime_prompt_cache
    if key is not None:
        backend.runtime_prompt_cache.add((model_id, key))
    usage = input_usage(segments, last, seen)
    text, stop_reason, usage["output"] = reply(max_tokens)
    # Dated by the emulator clock (clock.py), like every record the emulator writes; authentication
    # above uses the host clock the caller signed with.
    return Call(caller, req, operation, model_id, target, body, usage, text, stop_reason, clock.now())


def _headers(req: Request, content_type: str = "application/json") -> list[tuple[str, str]]:
    return [("Content-Type", content_type), ("x-amzn-RequestId", req.request_id)]


def _json_response(req: Request, body: Any, extra: list[tuple[str, str]] | None = None) -> Response:
    return Response(200, _headers(req) + (extra or []), json.dumps(body).encode("utf-8"))


def _stream_response(req: Request, chunks: list[bytes], extra: list[tuple[str, str]] | None = None) -> Response:
    return Response(200, _headers(req, "application/vnd.amazon.eventstream") + (extra or []), chunks=iter(chunks))


def _invoke(caller: Caller, req: Request, model_id: str, stream: bool) -> Response:
    operation = "InvokeModelWithResponseStream" if stream else "InvokeModel"
    call = _call(caller, req, operation, f"bedrock:{operation}", model_id, converse=False)
    usage = call.usage
    message_id = "msg_bdrk_" + uuid.uuid4().hex[:24]
    model_name = _anthropic_model_name(call.target.model_id)
    anthropic_usage = {
        "input_tokens": usage["input"],
        "cache_creation_input_tokens": usage["cacheWrite"],
        "cache_read_input_tokens": usage["cacheRead"],
        "output_tokens": usage["output"],
    }
    message: dict[str, Any] = {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model_name,
        "content": [{"type": "text", "text": call.text}],
        "stop_reason": call.stop_reason,
        "stop_sequence": None,
        "usage": anthropic_usage,
    }
    if not stream:
        latency = req.elapsed_ms()
        call.log(message)
        return _json_response(
            req,
            message,
            [
                ("x-amzn-bedrock-invocation-latency", str(latency)),
                ("x-amzn-bedrock-output-token-count", str(usage["output"])),
                ("x-amzn-bedrock-input-token-count", str(usage["input"])),
                ("x-amzn-bedrock-cache-read-input-token-count", str(usage["cacheRead"])),
                ("x-amzn-bedrock-cache-write-input-token-count", str(usage["cacheWrite"])),
            ],
        )

    first_byte = req.elapsed_ms()
    start = {**message, "content": [], "stop_reason": None, "usage": {**anthropic_usage, "output_tokens": 1}}
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": start},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    ]
    events += [
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}
        for piece in _pieces(call.text)
    ]
    events += [
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": call.stop_reason, "stop_sequence": None},
            "usage": {"output_tokens": usage["output"]},
        },
        {"type": "message_stop"},
    ]
    events[-1]["amazon-bedrock-invocationMetrics"] = {
        "inputTokenCount": usage["input"],
        "outputTokenCount": usage["output"],
        "invocationLatency": req.elapsed_ms(),
        "firstByteLatency": first_byte,
        "cacheReadInputTokenCount": usage["cacheRead"],
        "cacheWriteInputTokenCount": usage["cacheWrite"],
    }
    call.log(events)

    def chunk(event: dict[str, Any]) -> bytes:
        payload = {"bytes": base64.b64encode(json.dumps(event).encode("utf-8")).decode()}
        return eventstream.event("chunk", json.dumps(payload).encode("utf-8"))

    return _stream_response(req, [chunk(e) for e in events], [("X-Amzn-Bedrock-Content-Type", "application/json")])


def _pieces(text: str, size: int = 16) -> list[str]:
    """The reply split into deltas of about ``size`` characters at word boundaries."""
    pieces: list[str] = []
    current = ""
    for word in re.findall(r"\S+\s*", text) or [text]:
        if current and len(current) + len(word) > size:
            pieces.append(current)
            current = ""
        current += word
    if current or not pieces:
        pieces.append(current)
    return pieces


def _converse(caller: Caller, req: Request, model_id: str, stream: bool) -> Response:
    operation = "ConverseStream" if stream else "Converse"
    action = "bedrock:InvokeModelWithResponseStream" if stream else "bedrock:InvokeModel"
    call = _call(caller, req, operation, action, model_id, converse=True)
    usage = call.usage
    token_usage = {
        "inputTokens": usage["input"],
        "outputTokens": usage["output"],
        "totalTokens": usage["input"] + usage["output"] + usage["cacheRead"] + usage["cacheWrite"],
        "cacheReadInputTokens": usage["cacheRead"],
        "cacheWriteInputTokens": usage["cacheWrite"],
    }
    if not stream:
        answer = {
            "output": {"message": {"role": "assistant", "content": [{"text": call.text}]}},
            "stopReason": call.stop_reason,
            "usage": token_usage,
            "metrics": {"latencyMs": req.elapsed_ms()},
        }
        call.log(answer)
        return _json_response(req, answer)
    events: list[tuple[str, dict[str, Any]]] = [("messageStart", {"role": "assistant"})]
    events += [("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": p}}) for p in _pieces(call.text)]
    events += [
        ("contentBlockStop", {"contentBlockIndex": 0}),
        ("messageStop", {"stopReason": call.stop_reason}),
        ("metadata", {"usage": token_usage, "metrics": {"latencyMs": req.elapsed_ms()}}),
    ]
    call.log([{name: payload} for name, payload in events])
    chunks = [eventstream.event(name, json.dumps(payload).encode("utf-8")) for name, payload in events]
    return _stream_response(req, chunks)


def _count_tokens(caller: Caller, req: Request, model_id: str) -> Response:
    target = resolve(model_id, caller.principal.account_id, caller.region)
    authorize(caller, req, "bedrock:CountTokens", invoke_hops(target, caller.region))
    spec = _json_body(req.body).get("input")
    if not isinstance(spec, dict) or len([k for k in ("invokeModel", "converse") if k in spec]) != 1:
        raise ApiError(
            "ValidationException",
            "1 validation error detected: Value at 'input' failed to satisfy constraint: "
            "Member must have exactly one member set",
        )
    if "invokeModel" in spec:
        try:
            inner = base64.b64decode((spec["invokeModel"] or {}).get("body") or "")
        except ValueError:
            raise malformed() from None
        segments, _ = anthropic_segments(_json_body(inner))
    else:
        segments, _ = converse_segments(spec["converse"] or {})
    return _json_response(req, {"inputTokens": input_usage(segments, -1, False)["input"]})


def _fake_response(backend: BedrockBackend, req: Request) -> SimpleNamespace:
    """What ext_bedrock's handlers read from moto's BedrockResponse."""
    return SimpleNamespace(bedrock_backend=backend, querystring=req.query(), path=req.raw_path, raw_path=req.raw_path)


def _control_plane(caller: Caller, req: Request, operation: str, identifier: str | None) -> Response:
    account_id, region = caller.principal.account_id, caller.region
    backend: BedrockBackend = bedrock_backends[account_id][region]
    partition = ext_bedrock.partition_of(region)
    try:
        if operation == "ListInferenceProfiles":
            authorize(caller, req, "bedrock:ListInferenceProfiles", [("*", {})])
            text, meta = ext_bedrock.list_inference_profiles(_fake_response(backend, req))
            return Response(int(meta.get("status", 200)), _headers(req), text.encode("utf-8"))
        if operation == "GetInferenceProfile":
            assert identifier is not None
            profile = ext_bedrock._find_profile(backend, identifier)
            arn = profile["inferenceProfileArn"]
            extra: dict[str, Any] = {}
            if profile["type"] == "APPLICATION":
                extra = {f"aws:ResourceTag/{t['key']}": t["value"] for t in backend.list_tags_for_resource(arn)}
            authorize(caller, req, "bedrock:GetInferenceProfile", [(arn, extra)])
            return _json_response(req, dict(profile))
        if operation == "ListFoundationModels":
            authorize(caller, req, "bedrock:ListFoundationModels", [("*", {})])
            summaries = [_foundation_model(partition, region, m) for m in ext_bedrock.known_models()]
            return _json_response(req, {"modelSummaries": summaries})
        assert identifier is not None
        model = identifier.rsplit("/", 1)[-1] if identifier.startswith("arn:") else identifier
        if model not in ext_bedrock.known_models():
            raise ApiError("ResourceNotFoundException", f"Could not find model {identifier}.")
        authorize(caller, req, "bedrock:GetFoundationModel", [(_model_arn(partition, region, model), {})])
        return _json_response(req, {"modelDetails": _foundation_model(partition, region, model)})
    except JsonRESTError as err:
        raise _from_moto(err) from None


def _foundation_model(partition: str, region: str, model_id: str) -> dict[str, Any]:
    name = _anthropic_model_name(model_id)
    return {
        "modelArn": _model_arn(partition, region, model_id),
        "modelId": model_id,
        "modelName": " ".join(p.capitalize() for p in name.split("-") if not p.isdigit()),
        "providerName": "Anthropic",
        "inputModalities": ["TEXT", "IMAGE"],
        "outputModalities": ["TEXT"],
        "responseStreamingSupported": True,
        "customizationsSupported": [],
        "inferenceTypesSupported": ["INFERENCE_PROFILE"],
        "modelLifecycle": {"status": "ACTIVE"},
    }


def handle(req: Request) -> Response:
    """Answers one request (never raises)."""
    try:
        operation, identifier = route(req.method, req.raw_path)
        caller = authenticate(req)
        if operation in ("InvokeModel", "InvokeModelWithResponseStream"):
            return _invoke(caller, req, identifier or "", operation != "InvokeModel")
        if operation in ("Converse", "ConverseStream"):
            return _converse(caller, req, identifier or "", operation == "ConverseStream")
        if operation == "CountTokens":
            return _count_tokens(caller, req, identifier or "")
        return _control_plane(caller, req, operation, identifier)
    except ApiError as err:
        return error_response(req, err)
    except Exception as err:  # a bug: answer like AWS's 500 and say what happened
        import traceback

        traceback.print_exc()
        return error_response(req, ApiError("InternalServerException", f"{type(err).__name__}: {err}"))


def error_response(req: Request, err: ApiError) -> Response:
    headers = [
        ("Content-Type", "application/json"),
        ("x-amzn-RequestId", req.request_id),
        ("x-amzn-ErrorType", f"{err.code}:{ERROR_NAMESPACE}"),
    ]
    return Response(err.status, headers, json.dumps(err.body).encode("utf-8"))


# --------------------------------------------------------------------------- HTTP listener

_TRACE = os.environ.get("CCB_EMULATOR_RUNTIME_LOG", "") not in ("", "0")


#: Called for each answered request before the answer is sent (a streamed one: before its last
#: chunk), so a caller holding the answer sees what it caused: (request, status, bytes received,
#: bytes sent, peer address).
OnServed = Callable[[Request, int, int, int, tuple[str, int]], None]


def _handler(
    source_vpce: str | None, default_region: str, network: Network | None, on_served: OnServed | None
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def version_string(self) -> str:
            return "ccb-bedrock-runtime"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _read_body(self) -> bytes:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                data = bytearray()
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return bytes(data)
                    data += self.rfile.read(size)
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _serve(self) -> None:
            raw_path, _, raw_query = self.path.partition("?")
            req = Request(
                self.command,
                raw_path,
                raw_query,
                list(self.headers.items()),
                self._read_body(),
                source_vpce,
                default_region,
                network=network,
            )
            response = handle(req)

            def observe(written: int) -> None:
                if on_served is None:
                    return
                try:
                    on_served(req, response.status, len(req.body), written, self.client_address[:2])
                except Exception:  # an observer must never break serving
                    import traceback

                    traceback.print_exc()

            if response.chunks is None:  # before the headers: a client may return on them
                observe(len(response.body))
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            if response.chunks is None:
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                written = len(response.body)
                if self.command != "HEAD":
                    self.wfile.write(response.body)
            else:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                written = 0
                for chunk in response.chunks:
                    self.wfile.write(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.flush()
                    written += len(chunk)
                observe(written)
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            if _TRACE:
                error = dict(response.headers).get("x-amzn-ErrorType", "").split(":")[0]
                print(
                    f"bedrock-runtime {req.method} {self.path} -> {response.status} {error} "
                    f"({written} bytes, {req.elapsed_ms()} ms)",
                    file=sys.stderr,
                    flush=True,
                )

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Listener:
    """One HTTP listener of the data plane, serving in a background thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        source_vpce: str | None = None,
        region: str = DEFAULT_REGION,
        network: Network | None = None,
        on_served: OnServed | None = None,
    ):
        self.source_vpce = source_vpce
        self.server = _Server((host, port), _handler(source_vpce, region, network, on_served))
        self.host = host
        self.port = self.server.server_port  # the one the OS chose for port 0
        self.thread = threading.Thread(
            target=self.server.serve_forever, name=f"bedrock-runtime-{self.port}", daemon=True
        )
        self.thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def start_listener(
    host: str = "127.0.0.1",
    port: int = 0,
    source_vpce: str | None = None,
    region: str = DEFAULT_REGION,
    network: Network | None = None,
    on_served: OnServed | None = None,
) -> Listener:
    """Starts a listener (port 0: a free port).

    ``source_vpce`` labels its requests as coming through that VPC endpoint (``aws:SourceVpce``);
    ``network`` instead resolves, per call, the endpoint (and its policy) the call goes through;
    ``on_served`` observes every answered request; ``region`` is the region of bearer-token calls
    whose key does not name one.
    """
    return Listener(host, port, source_vpce, region, network, on_served)
