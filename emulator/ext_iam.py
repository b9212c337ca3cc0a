"""AWS IAM extensions for moto 5.2.1: service-specific credentials.

Adds CreateServiceSpecificCredential, ListServiceSpecificCredentials,
DeleteServiceSpecificCredential, UpdateServiceSpecificCredential and
ResetServiceSpecificCredential for the services AWS supports
(``codecommit.amazonaws.com``, ``cassandra.amazonaws.com`` and
``bedrock.amazonaws.com`` — Bedrock long-term API keys). DeleteUser fails with
DeleteConflict while a user still has such credentials, like AWS.

IAM is a query protocol service; moto parses the parameters with botocore's
model and serialises ``ActionResult`` values back to XML. State lives on
moto's per-account, per-partition ``IAMBackend``.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import base64
import secrets
import string
import re
from datetime import timedelta
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.iam.exceptions import DeleteConflictException, IAMException, LimitExceededException, NoSuchEntity
from moto.iam.models import IAMBackend
from moto.iam.responses import IamResponse

from ext_common import extend_init, patch

# IAM quotas on policy size (characters, whitespace not counted).
INLINE_POLICY_LIMITS = {"role": 10240, "user": 2048, "group": 5120}
MANAGED_POLICY_LIMIT = 6144

SUPPORTED_SERVICES = {"codecommit.amazonaws.com", "cassandra.amazonaws.com", "bedrock.amazonaws.com"}
MAX_PER_USER_AND_SERVICE = 2
MAX_BEDROCK_AGE_DAYS = 36600


class ServiceNotSupported(IAMException):
    code = "NotSupportedService"


class InvalidInput(IAMException):
    code = "InvalidInput"


def _init_state(self: IAMBackend) -> None:
    self.service_specific_credentials = {}  # id -> dict


extend_init(IAMBackend, _init_state)


def _credential_id() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "ACCA" + "".join(secrets.choice(alphabet) for _ in range(17))


def _public(credential: dict[str, Any]) -> dict[str, Any]:
    """The metadata ListServiceSpecificCredentials returns (no secrets)."""
    keys = (
        "UserName",
        "Status",
        "ServiceUserName",
        "ServiceCredentialAlias",
        "CreateDate",
        "ExpirationDate",
        "ServiceSpecificCredentialId",
        "ServiceName",
    )
    return {k: credential[k] for k in keys if credential.get(k) is not None}


def _issue_secret(backend: IAMBackend, credential: dict[str, Any]) -> None:
    if credential["ServiceName"] == "bedrock.amazonaws.com":
        alias = credential["ServiceCredentialAlias"]
        raw = f"{alias}:{secrets.token_urlsafe(40)}".encode()
        credential["ServiceCredentialSecret"] = "ABSK" + base64.b64encode(raw).decode()
    else:
        credential["ServicePassword"] = base64.b64encode(secrets.token_bytes(30)).decode()


def _find(backend: IAMBackend, credential_id: Any, user_name: str | None) -> dict[str, Any]:
    credential = backend.service_specific_credentials.get(credential_id)
    if credential is None or (user_name and credential["UserName"] != user_name):
        raise NoSuchEntity(f"No such credential {credential_id} exists")
    return credential


@patch(IamResponse)
def create_service_specific_credential(self: IamResponse) -> ActionResult:
    backend: IAMBackend = self.backend
    user_name = self._get_param("UserName")
    service = self._get_param("ServiceName")
    age_days = self._get_param("CredentialAgeDays")
    user = backend.get_user(user_name)  # NoSuchEntity when absent
    if service not in SUPPORTED_SERVICES:
        raise ServiceNotSupported(f"No such service {service} is supported for Service-Specific Credentials")
    if age_days is not None:
        if service != "bedrock.amazonaws.com":
            raise InvalidInput("CredentialAgeDays is supported only for bedrock.amazonaws.com")
        if not 1 <= int(age_days) <= MAX_BEDROCK_AGE_DAYS:
            raise InvalidInput(f"CredentialAgeDays must be between 1 and {MAX_BEDROCK_AGE_DAYS}")
    existing = [
        c
        for c in backend.service_specific_credentials.values()
        if c["UserName"] == user_name and c["ServiceName"] == service
    ]
    if len(existing) >= MAX_PER_USER_AND_SERVICE:
        raise LimitExceededException(
            f"Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {MAX_PER_USER_AND_SERVICE}"
        )
    now = utcnow()
    credential: dict[str, Any] = {
        "CreateDate": now,
        "ServiceName": service,
        "ServiceSpecificCredentialId": _credential_id(),
        "UserName": user.name,
        "Status": "Active",
    }
    if service == "bedrock.amazonaws.com":
        credential["ServiceCredentialAlias"] = f"{user.name}-at-{backend.account_id}"
        if age_days is not None:
            credential["ExpirationDate"] = now + timedelta(days=int(age_days))
    else:
        credential["ServiceUserName"] = f"{user.name}-at-{backend.account_id}"
    _issue_secret(backend, credential)
    backend.service_specific_credentials[credential["ServiceSpecificCredentialId"]] = credential
    return ActionResult({"ServiceSpecificCredential": dict(credential)})


def _caller_user_name(self: IamResponse) -> str:
    user = self.backend.get_user_from_access_key_id(self.get_access_key())
    if user is None:
        raise NoSuchEntity("The request must name a user: the caller is not an IAM user.")
    return user.name


@patch(IamResponse)
def list_service_specific_credentials(self: IamResponse) -> ActionResult:
    backend: IAMBackend = self.backend
    user_name = self._get_param("UserName")
    service = self._get_param("ServiceName")
    all_users = bool(self._get_param("AllUsers"))
    if service is not None and service not in SUPPORTED_SERVICES:
        raise ServiceNotSupported(f"No such service {service} is supported for Service-Specific Credentials")
    if user_name:
        backend.get_user(user_name)
    elif not all_users:
        user_name = _caller_user_name(self)
    credentials = [
        _public(c)
        for c in backend.service_specific_credentials.values()
        if (all_users and not self._get_param("UserName") or c["UserName"] == user_name)
        and (service is None or c["ServiceName"] == service)
    ]
    return ActionResult({"ServiceSpecificCredentials": credentials, "IsTruncated": False})


@patch(IamResponse)
def delete_service_specific_credential(self: IamResponse) -> EmptyResult:
    backend: IAMBackend = self.backend
    user_name = self._get_param("UserName")
    if user_name:
        backend.get_user(user_name)
    credential = _find(backend, self._get_param("ServiceSpecificCredentialId"), user_name)
    del backend.service_specific_credentials[credential["ServiceSpecificCredentialId"]]
    return EmptyResult()


@patch(IamResponse)
def update_service_specific_credential(self: IamResponse) -> EmptyResult:
    backend: IAMBackend = self.backend
    user_name = self._get_param("UserName")
    status = self._get_param("Status")
    if user_name:
        backend.get_user(user_name)
    credential = _find(backend, self._get_param("ServiceSpecificCredentialId"), user_name)
    if status not in ("Active", "Inactive"):
        raise InvalidInput(f"Invalid status {status}")
    credential["Status"] = status
    return EmptyResult()


@patch(IamResponse)
def reset_service_specific_credential(self: IamResponse) -> ActionResult:
    backend: IAMBackend = self.backend
    user_name = self._get_param("UserName")
    if user_name:
        backend.get_user(user_name)
    credential = _find(backend, self._get_param("ServiceSpecificCredentialId"), user_name)
    _issue_secret(backend, credential)
    return ActionResult({"ServiceSpecificCredential": dict(credential)})


_original_delete_user = IAMBackend.delete_user


@patch(IAMBackend)
def delete_user(self: IAMBackend, user_name: str) -> None:
    if any(c["UserName"] == user_name for c in self.service_specific_credentials.values()):
        self.get_user(user_name)
        raise DeleteConflictException("Cannot delete entity, must remove service specific credentials first.")
    _original_delete_user(self, user_name)


# --------------------------------------------------------------------------- policy size quotas


def policy_size(document: str) -> int:
    return len(re.sub(r"\s", "", document))


def _inline_guard(kind: str, getter: str, original: Any) -> Any:
    limit = INLINE_POLICY_LIMITS[kind]

    def put_policy(self: IAMBackend, name: str, policy_name: str, policy_json: str) -> None:
        owner = getattr(self, getter)(name)
        others = {k: v for k, v in owner.policies.items() if k != policy_name}
        total = sum(policy_size(doc) for doc in others.values()) + policy_size(policy_json)
        if total > limit:
            raise LimitExceededException(f"Maximum policy size of {limit} bytes exceeded for {kind} {name}")
        original(self, name, policy_name, policy_json)

    return put_policy


IAMBackend.put_role_policy = _inline_guard("role", "get_role", IAMBackend.put_role_policy)
IAMBackend.put_user_policy = _inline_guard("user", "get_user", IAMBackend.put_user_policy)
IAMBackend.put_group_policy = _inline_guard("group", "get_group", IAMBackend.put_group_policy)

_original_create_policy = IAMBackend.create_policy
_original_create_policy_version = IAMBackend.create_policy_version


def _managed_guard(document: str) -> None:
    if policy_size(document) > MANAGED_POLICY_LIMIT:
        raise LimitExceededException(f"Cannot exceed quota for PolicySize: {MANAGED_POLICY_LIMIT}")


@patch(IAMBackend)
def create_policy(
    self: IAMBackend, description: str, path: str, policy_document: str, policy_name: str, tags: Any
) -> Any:
    _managed_guard(policy_document)
    return _original_create_policy(self, description, path, policy_document, policy_name, tags)


@patch(IAMBackend)
def create_policy_version(self: IAMBackend, policy_arn: str, policy_document: str, set_as_default: bool) -> Any:
    _managed_guard(policy_document)
    return _original_create_policy_version(self, policy_arn, policy_document, set_as_default)
