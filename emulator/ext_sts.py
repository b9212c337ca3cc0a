"""AWS STS extensions for moto 5.2.1: session tags and trust-policy checks.

moto 5.2.1 issues credentials for any ``AssumeRole*`` call and records no
session tags. This extension:

- records the session tags of each issued session (``session_tags``,
  ``transitive_tag_keys`` on moto's ``AssumedRole``, keyed by its access key):
  ``AssumeRole`` ``Tags`` / ``TransitiveTagKeys`` (plus the transitive tags of a
  calling session: role chaining); ``AssumeRoleWithSAML`` the assertion's
  ``https://aws.amazon.com/SAML/Attributes/PrincipalTag:<Key>`` and
  ``.../TransitiveTagKeys`` attributes; ``AssumeRoleWithWebIdentity`` the
  token's ``https://aws.amazon.com/tags`` claim (``principal_tags``,
  ``transitive_tag_keys``);
- enforces the role's trust policy for callers that are IAM principals issued
  by the emulator (IAM users, assumed-role sessions) through the IAM evaluator:
  ``sts:AssumeRole`` and, when tags are passed, ``sts:TagSession`` with
  ``aws:RequestTag/<k>``, ``aws:TagKeys`` and the caller's ``aws:PrincipalTag/*``;
  refusals are ``AccessDenied`` (403) as in AWS. Calls signed with keys the
  emulator did not issue (``test``/``test``: the bootstrap administrator) are
  not checked, as before;
- for SAML and OIDC, checks that the trust policy allows the identity provider
  (``Principal.Federated``) the action (and ``sts:TagSession`` when the
  assertion or token carries tags), with ``SAML:aud`` / ``<host>:aud`` /
  ``<host>:sub`` conditions; the role must exist. Assertion and token
  signatures are not verified.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import base64
import fnmatch
import json
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from typing import Any, Callable
from xml.sax.saxutils import escape

from moto.iam.models import iam_backends
from moto.sts.models import AssumedRole
from moto.sts.responses import TokenResponse
from moto.utilities.utils import get_partition
from werkzeug.exceptions import HTTPException

import principals
from ext_common import patch
from ext_policy import conditions_match

SAML_ATTR = "https://aws.amazon.com/SAML/Attributes/"
SAML_NS = {"saml": "urn:oasis:names:tc:SAML:2.0:assertion", "samlp": "urn:oasis:names:tc:SAML:2.0:protocol"}
MAX_SESSION_TAGS = 50


class StsError(HTTPException):
    """An STS (query protocol) error: ``ErrorResponse/Error/{Type,Code,Message}``, XML."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__()
        self.code = status
        self.error_code = code
        self.message = message
        self.description = (
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            f"<Error><Type>Sender</Type><Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [("Content-Type", "text/xml"), ("X-Amzn-ErrorType", self.error_code)]

    def get_body(self, *args: Any, **kwargs: Any) -> str:
        return self.description or ""


# The account root's access key in the emulator (the AWS CLI, Terraform and the scripts use it).
ROOT_ACCESS_KEY = "test"


def _request_access_key(response: TokenResponse) -> str:
    """The access key id the request was signed with (moto's own parser only knows 20-character
    keys and answers a default for ``test``)."""
    match = re.search(r"Credential=([^/,\s]+)/", response.headers.get("Authorization", ""))
    if match:
        return match.group(1)
    return (response.querystring.get("AWSAccessKeyId") or [""])[0] or ""


def access_denied(message: str) -> StsError:
    return StsError("AccessDenied", message, 403)


def invalid(message: str) -> StsError:
    return StsError("InvalidParameterValue", message, 400)


def _init_session(self: AssumedRole, *args: Any, **kwargs: Any) -> None:
    _original_init(self, *args, **kwargs)
    self.session_tags = {}
    self.transitive_tag_keys = []


_original_init = AssumedRole.__init__
if not getattr(AssumedRole.__init__, "_ext_sts", False):
    _init_session._ext_sts = True
    AssumedRole.__init__ = _init_session


# --------------------------------------------------------------------------- helpers


def _list_param(self: TokenResponse, name: str) -> list[Any]:
    value = self._get_param(name)
    if value is None:
        return []
    if isinstance(value, dict):
        value = value.get("member", list(value.values()))
    return value if isinstance(value, list) else [value]


def _validate_tags(tags: dict[str, str], transitive: list[str]) -> None:
    if len(tags) > MAX_SESSION_TAGS:
        raise invalid(f"Session tags exceed the limit of {MAX_SESSION_TAGS}.")
    lowered = [k.lower() for k in tags]
    if len(set(lowered)) != len(lowered):
        raise invalid("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or len(value) > 256:
            raise invalid(f"Invalid session tag {key!r}: keys are 1-128 characters, values at most 256.")
    for key in transitive:
        if key.lower() not in lowered:
            raise invalid(f"Transitive tag key {key} is not a session tag key of the request.")


def _tag_context(tags: dict[str, str], transitive: list[str]) -> dict[str, Any]:
    context: dict[str, Any] = {f"aws:RequestTag/{k}": v for k, v in tags.items()}
    if tags:
        context["aws:TagKeys"] = list(tags)
    if transitive:
        context["sts:TransitiveTagKeys"] = list(transitive)
    return context


def _role(role_arn: str | None) -> Any:
    if not role_arn:
        return None
    parts = role_arn.split(":")
    if len(parts) < 6:
        return None
    account_id = parts[4]
    try:
        return iam_backends[account_id][parts[1]].get_role_by_arn(role_arn)
    except Exception:
        return None


def _record(session: Any, tags: dict[str, str], transitive: list[str]) -> None:
    session.session_tags = dict(tags)
    session.transitive_tag_keys = list(transitive)


# --------------------------------------------------------------------------- AssumeRole


def _check_trust(
    self: TokenResponse, caller: principals.Principal, role_arn: str, tags: dict[str, str], transitive: list[str]
) -> None:
    now = datetime.now(timezone.utc)
    role = _role(role_arn)
    actions = ["sts:AssumeRole"] + (["sts:TagSession"] if tags else [])
    if role is None:
        raise access_denied(f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
    context = principals.principal_context(caller, now)
    context["aws:RequestedRegion"] = self.region
    context.update(_tag_context(tags, transitive))
    for param in ("RoleSessionName", "ExternalId", "SourceIdentity"):
        value = self._get_param(param)
        key = f"sts:{param}"
        if value:
            context[key] = value
    base = {
        "principalArn": caller.arn,
        "resourceArn": role_arn,
        "resourceAccount": role.account_id,
        "identityPolicies": principals.identity_policies(caller),
        "permissionBoundaries": principals.permission_boundaries(caller),
        "serviceControlPolicies": principals.service_control_policies(caller.account_id, caller.partition),
        "resourcePolicy": json.loads(role.assume_role_policy_document),
        "context": context,
    }
    results = principals.evaluate([{**base, "action": action} for action in actions])
    for action, result in zip(actions, results, strict=True):
        if result.get("decision") != "Allowed":
            raise access_denied(f"User: {caller.arn} is not authorized to perform: {action} on resource: {role_arn}")


_original_assume_role = TokenResponse.assume_role


@patch(TokenResponse)
def assume_role(self: TokenResponse) -> Any:
    role_arn = self._get_param("RoleArn")
    tags = {t["Key"]: t.get("Value", "") for t in _list_param(self, "Tags")}
    transitive = [str(k) for k in _list_param(self, "TransitiveTagKeys")]
    _validate_tags(tags, transitive)
    access_key = _request_access_key(self)
    caller = principals.find_credentials(access_key)
    if caller is None and access_key != ROOT_ACCESS_KEY:
        # Only the emulator's root credentials (test/test, what Terraform uses) and keys the
        # emulator issued can call STS: any other key could claim any session tag unchecked.
        raise StsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    inherited: dict[str, str] = {}
    inherited_keys: list[str] = []
    if caller is not None:
        if caller.kind == "session":
            inherited_keys = [k for k in caller.transitive_tag_keys if k in caller.session_tags]
            inherited = {k: caller.session_tags[k] for k in inherited_keys}
            clash = [k for k in tags if k.lower() in {i.lower() for i in inherited}]
            if clash:
                raise invalid(f"One or more of the session tags {clash} are transitive tags of the calling session.")
        _check_trust(self, caller, role_arn, tags, transitive)
    result = _original_assume_role(self)
    session = result.result["Credentials"]  # type: ignore[index]
    _record(session, {**inherited, **tags}, inherited_keys + transitive)
    return result


# --------------------------------------------------------------------------- federation


def _federated_allowed(role: Any, provider_arn: str, actions: list[str], context: dict[str, Any]) -> bool:
    """Whether the trust policy lets the provider (Principal.Federated) do every action."""
    return trust_allows(role, "Federated", provider_arn, actions, context)


def trust_allows(
    role: Any,
    element: str,
    name: str,
    actions: list[str],
    context: dict[str, Any],
    holds: Callable[[dict[str, Any], dict[str, Any]], bool] = conditions_match,
) -> bool:
    """Whether the role's trust policy lets ``Principal.<element>`` ``name`` (an identity provider for
    ``Federated``, ``vpc-flow-logs.amazonaws.com`` for ``Service``) do every action; ``holds``
    evaluates a statement's conditions on ``context``."""
    try:
        document = json.loads(role.assume_role_policy_document)
    except ValueError:
        return False
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]

    def applies(statement: dict[str, Any], action: str) -> bool:
        named = (statement.get("Principal") or {}) if isinstance(statement.get("Principal"), dict) else {}
        principals_ = named.get(element, [])
        principals_ = principals_ if isinstance(principals_, list) else [principals_]
        if statement.get("Principal") != "*" and name not in principals_:
            return False
        listed = statement.get("Action", [])
        listed = listed if isinstance(listed, list) else [listed]
        if not any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in listed):
            return False
        return holds(statement.get("Condition") or {}, context)

    for action in actions:
        relevant = [s for s in statements if applies(s, action)]
        if any(s.get("Effect") == "Deny" for s in relevant) or not any(s.get("Effect") == "Allow" for s in relevant):
            return False
    return True


def _saml_details(assertion_b64: str) -> tuple[dict[str, str], list[str], str | None, str | None]:
    """(tags, transitive keys, recipient/audience, subject) asserted by a SAML response."""
    try:
        root = ET.fromstring(base64.b64decode(assertion_b64))
    except (ValueError, ET.ParseError):
        raise StsError("InvalidIdentityToken", "Invalid SAML assertion.", 400) from None
    tags: dict[str, str] = {}
    transitive: list[str] = []
    for attribute in root.iter(f"{{{SAML_NS['saml']}}}Attribute"):
        name = attribute.get("Name", "")
        values = [(v.text or "").strip() for v in attribute.findall("saml:AttributeValue", SAML_NS)]
        if name.startswith(SAML_ATTR + "PrincipalTag:") and values:
            tags[name[len(SAML_ATTR + "PrincipalTag:") :]] = values[0]
        elif name == SAML_ATTR + "TransitiveTagKeys":
            transitive += values
    audience = None
    for element in root.iter(f"{{{SAML_NS['saml']}}}SubjectConfirmationData"):
        audience = element.get("Recipient") or audience
    if audience is None:
        found = root.find(".//saml:Audience", SAML_NS)
        audience = found.text.strip() if found is not None and found.text else None
    subject = root.find(".//saml:Subject/saml:NameID", SAML_NS)
    return tags, transitive, audience, (subject.text.strip() if subject is not None and subject.text else None)


_original_saml = TokenResponse.assume_role_with_saml


@patch(TokenResponse)
def assume_role_with_saml(self: TokenResponse) -> Any:
    role_arn = self._get_param("RoleArn")
    provider_arn = self._get_param("PrincipalArn")
    tags, transitive, audience, subject = _saml_details(self._get_param("SAMLAssertion") or "")
    _validate_tags(tags, transitive)
    role = _role(role_arn)
    context: dict[str, Any] = {**_tag_context(tags, transitive)}
    if audience:
        context["SAML:aud"] = audience
    if subject:
        context["SAML:sub"] = subject
    actions = ["sts:AssumeRoleWithSAML"] + (["sts:TagSession"] if tags else [])
    if role is None or not _federated_allowed(role, provider_arn, actions, context):
        raise access_denied("Not authorized to perform sts:AssumeRoleWithSAML")
    result = _original_saml(self)
    _record(result.result["Credentials"], tags, transitive)  # type: ignore[index]
    return result


def _jwt_claims(token: str) -> dict[str, Any]:
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload))
        if not isinstance(claims, dict):
            raise ValueError
        return claims
    except (IndexError, ValueError):
        message = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
        raise StsError("InvalidIdentityToken", message, 400) from None


_original_web_identity = TokenResponse.assume_role_with_web_identity


@patch(TokenResponse)
def assume_role_with_web_identity(self: TokenResponse) -> Any:
    role_arn = self._get_param("RoleArn")
    claims = _jwt_claims(self._get_param("WebIdentityToken") or "")
    aws_tags = claims.get("https://aws.amazon.com/tags") or {}
    principal_tags = aws_tags.get("principal_tags") or {}
    tags = {k: (v[0] if isinstance(v, list) and v else str(v)) for k, v in principal_tags.items()}
    transitive = [str(k) for k in aws_tags.get("transitive_tag_keys") or []]
    _validate_tags(tags, transitive)
    role = _role(role_arn)
    issuer = str(claims.get("iss", ""))
    host = issuer.split("://", 1)[-1].rstrip("/")
    if role is None:
        raise access_denied("Not authorized to perform sts:AssumeRoleWithWebIdentity")
    partition = get_partition(self.region)
    provider_arn = f"arn:{partition}:iam::{role.account_id}:oidc-provider/{host}"
    providers = iam_backends[role.account_id][partition].open_id_providers
    if provider_arn not in providers:
        raise StsError("InvalidIdentityToken", f"No OpenIDConnect provider found in your account for {issuer}", 400)
    audience = claims.get("aud")
    context: dict[str, Any] = {**_tag_context(tags, transitive)}
    if audience is not None:
        context[f"{host}:aud"] = audience if isinstance(audience, str) else list(audience)
    if claims.get("sub") is not None:
        context[f"{host}:sub"] = str(claims["sub"])
    actions = ["sts:AssumeRoleWithWebIdentity"] + (["sts:TagSession"] if tags else [])
    if not _federated_allowed(role, provider_arn, actions, context):
        raise access_denied("Not authorized to perform sts:AssumeRoleWithWebIdentity")
    result = _original_web_identity(self)
    _record(result.result["Credentials"], tags, transitive)  # type: ignore[index]
    return result
