"""Which AWS API operation a request to the main port calls, before moto sees it.

``operation_of(environ)`` answers ``(signing name, operation name)`` (``("bedrock",
"GetInferenceProfile")``, ``("iam", "CreateRole")``) or ``None`` for what is not a signed AWS API
call; ``resolve(environ)`` also names the botocore service whose model defines the operation
(``bedrock-runtime`` and ``bedrock`` share the signing name ``bedrock``). Request-level behaviour
that is not one service's (rate limits, injected faults) keys on it.

- **Service**: the SigV4 credential scope, from the ``Authorization`` header or a presigned URL's
  ``X-Amz-Credential``, like moto's own dispatch.
- **Operation**, by what the request carries, checked against the service's botocore model:
  ``X-Amz-Target`` (JSON protocols: ``AWSBudgetServiceGateway.CreateBudget``), the Smithy RPC v2
  path (``/service/<name>/operation/<op>``), ``Action`` (query protocol: in the query string or a
  form body, which is read and put back for moto), else the method and path matched against every
  operation's ``http.requestUri`` template (rest-json, rest-xml). Where several templates match,
  the most specific wins: most required query keys, then most literal path characters, then no
  greedy label (``/{Bucket}/{Key+}?tagging`` is ``GetObjectTagging``, not ``GetObject``). Required
  query-string and header members of the input count as required keys (``CopyObject`` is a
  ``PutObject`` with ``x-amz-copy-source``).

``account_of(environ)`` is the account moto serves the request in (``x-moto-account-id``, else the
access key's account). ``error_reply(op, status, code, message)`` is an AWS error as the service's
protocol puts it on the wire (query XML, JSON ``__type``, rest-json ``x-amzn-ErrorType``, rest-xml
``<Error>``), with a request id header, for behaviour that answers before moto does.

Labels match the raw (still percent-encoded) path, so an ARN with an encoded ``/`` stays one label.
S3 virtual-hosted-style requests (bucket in the host name) are not resolved; the emulator is called
path-style. The result is cached on the environ (``ccb.operation``), the compiled templates per
service.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, quote
from xml.sax.saxutils import escape

from ext_common import service_model

#: botocore services whose signing name is not their own name, for the signing names whose
#: services the emulator serves (botocore's ``metadata.signingName``; checked in the tests).
SERVICES_BY_SIGNING_NAME: dict[str, tuple[str, ...]] = {
    "bedrock": ("bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime"),
    "monitoring": ("cloudwatch",),
    "sso": ("sso-admin",),
    "tagging": ("resourcegroupstaggingapi",),
    "s3": ("s3", "s3control"),
    "dynamodb": ("dynamodb", "dynamodbstreams"),
}

ENVIRON_KEY = "ccb.operation"
_RPC_V2_PATH = re.compile(r"^/service/[^/]+/operation/([^/?]+)$")
_CREDENTIAL = re.compile(r"Credential=([^,\s]+)")


@dataclass(frozen=True)
class Operation:
    """A resolved request: the signing name, the botocore service and the operation."""

    signing_name: str
    service: str
    name: str
    region: str


@dataclass(frozen=True)
class _Template:
    operation: str
    method: str
    path: re.Pattern[str]
    query: tuple[tuple[str, str | None], ...]  # required keys, with the value when fixed
    headers: tuple[str, ...]  # WSGI names of the required header members
    rank: tuple[int, int, int]


def _credential(environ: dict[str, Any]) -> list[str] | None:
    """The SigV4 credential ``[access key, date, region, signing name, "aws4_request"]``."""
    credential = None
    match = _CREDENTIAL.search(str(environ.get("HTTP_AUTHORIZATION") or ""))
    if match:
        credential = match.group(1)
    else:
        for key, value in parse_qsl(str(environ.get("QUERY_STRING") or ""), keep_blank_values=True):
            if key == "X-Amz-Credential":
                credential = value
    parts = (credential or "").split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not parts[3]:
        return None
    return parts


def account_of(environ: dict[str, Any]) -> str:
    """The account moto serves the request in, decided as moto decides it."""
    from moto.iam.models import get_account_id_from

    explicit = os.environ.get("MOTO_ACCOUNT_ID") or environ.get("HTTP_X_MOTO_ACCOUNT_ID")
    if explicit:
        return str(explicit)
    credential = _credential(environ)
    return get_account_id_from(credential[0] if credential else "")


def _services(signing_name: str) -> tuple[str, ...]:
    return SERVICES_BY_SIGNING_NAME.get(signing_name, (signing_name,))


@functools.cache
def _model(service: str) -> Any:
    try:
        return service_model(service)
    except Exception:  # not a botocore service
        return None


def _protocols(model: Any) -> list[str]:
    return list(model.metadata.get("protocols") or [model.metadata.get("protocol")])


@functools.cache
def _templates(service: str) -> tuple[_Template, ...]:
    """The compiled ``http.requestUri`` templates of a REST service's operations."""
    model = _model(service)
    if model is None:
        return ()
    templates = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri, _, query = str(http.get("requestUri", "/")).partition("?")
        pattern, literal, greedy = "", 0, 0
        for piece in re.split(r"(\{[^}]+\})", uri):
            if piece.startswith("{"):
                greedy |= piece.endswith("+}")
                pattern += ".+" if piece.endswith("+}") else "[^/]+"
            else:
                pattern += re.escape(piece)
                literal += len(piece)
        required = [(k, v if "=" in p else None) for p in query.split("&") if p for k, _, v in [p.partition("=")]]
        headers = []
        shape = model.operation_model(name).input_shape
        members = shape.members if shape is not None else {}
        for member in getattr(shape, "required_members", None) or []:
            where = members[member].serialization
            if where.get("location") == "querystring":
                required.append((where["name"], None))
            elif where.get("location") == "header":
                headers.append("HTTP_" + where["name"].upper().replace("-", "_"))
        templates.append(
            _Template(
                operation=name,
                method=str(http.get("method", "POST")).upper(),
                path=re.compile("^" + pattern.rstrip("/") + "/?$"),
                query=tuple(required),
                headers=tuple(headers),
                rank=(len(required) + len(headers), literal, -greedy),
            )
        )
    return tuple(sorted(templates, key=lambda t: t.rank, reverse=True))


def _raw_path(environ: dict[str, Any]) -> str:
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        path = str(raw).split("?", 1)[0]
        return re.sub(r"^[a-z]+://[^/]+", "", path) or "/"
    return quote(str(environ.get("PATH_INFO") or "/"), safe="/:@!$&'()*+,;=-._~")


def _rest_operation(service: str, environ: dict[str, Any]) -> str | None:
    method = str(environ.get("REQUEST_METHOD") or "GET").upper()
    path = _raw_path(environ)
    query = dict(parse_qsl(str(environ.get("QUERY_STRING") or ""), keep_blank_values=True))
    for template in _templates(service):
        if template.method != method or not template.path.match(path):
            continue
        if all(key in query and (value is None or query[key] == value) for key, value in template.query) and all(
            header in environ for header in template.headers
        ):
            return template.operation
    return None


def _form_action(environ: dict[str, Any]) -> str | None:
    """``Action`` from the query string, else from a form body (read, then put back for moto)."""
    for key, value in parse_qsl(str(environ.get("QUERY_STRING") or ""), keep_blank_values=True):
        if key == "Action":
            return value
    if not str(environ.get("CONTENT_TYPE") or "").startswith("application/x-www-form-urlencoded"):
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length <= 0:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        if key == "Action":
            return value
    return None


def _operation_in(service: str, environ: dict[str, Any]) -> str | None:
    model = _model(service)
    if model is None:
        return None
    names = set(model.operation_names)
    protocols = _protocols(model)
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        name = str(target).rsplit(".", 1)[-1]
        return name if name in names else None
    rpc = _RPC_V2_PATH.match(str(environ.get("PATH_INFO") or ""))
    if rpc and "smithy-rpc-v2-cbor" in protocols:
        return rpc.group(1) if rpc.group(1) in names else None
    if "query" in protocols or "ec2" in protocols:
        action = _form_action(environ)
        return action if action in names else None
    if any(p.startswith("rest-") for p in protocols):
        return _rest_operation(service, environ)
    return None


def resolve(environ: dict[str, Any]) -> Operation | None:
    """The operation a main-port request calls, or ``None`` (unsigned, unknown service or operation)."""
    if ENVIRON_KEY in environ:
        return environ[ENVIRON_KEY]
    result = None
    credential = _credential(environ)
    if credential is not None:
        region, signing_name = credential[2], credential[3].lower()
        for service in _services(signing_name):
            name = _operation_in(service, environ)
            if name is not None:
                result = Operation(signing_name, service, name, region)
                break
    environ[ENVIRON_KEY] = result
    return result


def operation_of(environ: dict[str, Any]) -> tuple[str, str] | None:
    """``(signing name, operation name)`` of a main-port request, or ``None``."""
    op = resolve(environ)
    return None if op is None else (op.signing_name, op.name)


@dataclass(frozen=True)
class Reply:
    """A complete HTTP answer: status, headers and body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def send(self, start_response: Any) -> list[bytes]:
        """Answers a WSGI request with it."""
        reason = HTTPStatus(self.status).phrase if self.status in HTTPStatus._value2member_map_ else "Error"
        start_response(f"{self.status} {reason}", [*self.headers, ("Content-Length", str(len(self.body)))])
        return [self.body]


def _message_member(service: str, code: str) -> str:
    """The name the error's shape gives its message (``Message`` in Budgets, ``message`` elsewhere)."""
    model = _model(service)
    try:
        members = list(model.shape_for(code).members) if model is not None else []
    except Exception:  # not a modelled error
        members = []
    return next((m for m in members if m.lower() == "message"), "message")


def error_reply(op: Operation, status: int, code: str, message: str) -> Reply:
    """The error ``code`` (``message``, HTTP ``status``) as ``op``'s service answers errors."""
    request_id = str(uuid.uuid4())
    model = _model(op.service)
    protocol = _protocols(model)[0] if model is not None else "json"
    if protocol in ("query", "ec2"):
        namespace = model.metadata.get("xmlNamespace", "") if model is not None else ""
        body = (
            f'<ErrorResponse xmlns="{escape(namespace)}"><Error><Type>Sender</Type><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return Reply(status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], body.encode())
    if protocol == "rest-xml":
        body = (
            f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        )
        return Reply(status, [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)], body.encode())
    member = _message_member(op.service, code)
    if protocol == "rest-json":
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", code), ("x-amzn-RequestId", request_id)]
        return Reply(status, headers, json.dumps({member: message}).encode())
    version = model.metadata.get("jsonVersion", "1.0") if model is not None else "1.0"
    headers = [("Content-Type", f"application/x-amz-json-{version}"), ("x-amzn-RequestId", request_id)]
    return Reply(status, headers, json.dumps({"__type": code, member: message}).encode())
