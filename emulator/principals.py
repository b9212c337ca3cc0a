"""Who is calling, and what policies apply to them — read from moto's in-process state.

Used by the STS extension (trust-policy checks at AssumeRole) and the Bedrock
Runtime data plane (request authentication and authorization):

- ``find_credentials(access_key_id)``: the IAM user or the STS session that an
  access key issued by the emulator belongs to, with its secret, session token
  and expiry (IAM user keys from moto's IAM backend; temporary keys from STS
  ``AssumeRole``, ``AssumeRoleWithSAML`` and ``AssumeRoleWithWebIdentity``).
- ``identity_policies`` / ``permission_boundaries``: inline and attached
  managed policies (default version) of the role, or of the user and its
  groups; the permissions boundary.
- ``service_control_policies``: SCPs in effect for an account from moto's
  Organizations backend, grouped by level (root, OUs, account). None when there
  is no organization, SCPs are not enabled on the root, or the account is the
  management account (AWS exempts it).
- ``principal_context``: the global condition keys IAM sets for the caller.
- ``evaluate`` / ``denial_message``: the evaluator (``iam_eval.py``) and AWS's
  wording of a denial.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from moto.iam.models import iam_backends
from moto.sts.models import sts_backends
from moto.utilities.utils import PARTITION_NAMES


def utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@dataclass
class Principal:
    """An authenticated caller: an IAM user, or an assumed-role session."""

    kind: str  # "user" | "session"
    arn: str  # user ARN, or arn:aws:sts::{account}:assumed-role/{role}/{session}
    account_id: str
    partition: str
    userid: str
    access_key_id: str = ""
    secret: str = ""
    session_token: str | None = None
    expiration: datetime | None = None
    active: bool = True
    user: Any = None  # moto User
    role: Any = None  # moto Role (None when the role was deleted)
    role_arn: str | None = None
    session: Any = None  # moto AssumedRole
    session_tags: dict[str, str] = field(default_factory=dict)
    transitive_tag_keys: list[str] = field(default_factory=list)

    @property
    def principal_arn(self) -> str:
        """``aws:PrincipalArn``: the role ARN for a session, the user ARN for a user."""
        return self.role_arn if self.kind == "session" and self.role_arn else self.arn

    @property
    def iam(self) -> Any:
        return iam_backends[self.account_id][self.partition]


def _all_iam_backends() -> list[tuple[str, str, Any]]:
    out = []
    for account_id, by_partition in list(iam_backends.items()):
        for partition in PARTITION_NAMES:
            if partition in by_partition:
                out.append((account_id, partition, by_partition[partition]))
    return out


def find_session(access_key_id: str) -> Any:
    """The moto AssumedRole that owns a temporary access key, if any."""
    for _, by_partition in list(sts_backends.items()):
        for partition in PARTITION_NAMES:
            if partition not in by_partition:
                continue
            for assumed in list(by_partition[partition].assumed_roles):
                if assumed.access_key_id == access_key_id:
                    return assumed
    return None


def find_credentials(access_key_id: str) -> Principal | None:
    """The principal an emulator-issued access key belongs to (None for unknown keys)."""
    for account_id, partition, backend in _all_iam_backends():
        key = backend.access_keys.get(access_key_id)
        if key is None:
            continue
        if key.user_name:
            try:
                user = backend.get_user(key.user_name)
            except Exception:
                return None
            return user_principal(user, account_id, partition, key)
        session = find_session(access_key_id)
        if session is None:
            return None
        return session_principal(session)
    return None


def user_principal(user: Any, account_id: str, partition: str, key: Any = None) -> Principal:
    return Principal(
        kind="user",
        arn=user.arn,
        account_id=account_id,
        partition=partition,
        userid=user.id,
        access_key_id=key.access_key_id if key else "",
        secret=key.secret_access_key if key else "",
        active=(key.status == "Active") if key else True,
        user=user,
    )


def session_principal(session: Any) -> Principal:
    account_id = session.account_id
    partition = session.partition
    role = None
    try:
        role = iam_backends[account_id][partition].get_role_by_arn(session.role_arn)
    except Exception:
        role = None
    return Principal(
        kind="session",
        arn=session.arn,
        account_id=account_id,
        partition=partition,
        userid=(role.id if role else "AROA" + "0" * 17) + ":" + session.session_name,
        access_key_id=session.access_key_id,
        secret=session.secret_access_key,
        session_token=session.session_token,
        expiration=utc(session.expiration),
        role=role,
        role_arn=session.role_arn,
        session=session,
        session_tags=dict(getattr(session, "session_tags", {}) or {}),
        transitive_tag_keys=list(getattr(session, "transitive_tag_keys", []) or []),
    )


# --------------------------------------------------------------------------- policies


def _managed_document(policy: Any) -> str:
    for version in policy.versions:
        if version.version_id == policy.default_version_id:
            return version.document
    return policy.versions[0].document if policy.versions else "{}"


def _doc(document: Any) -> Any:
    if isinstance(document, str):
        try:
            return json.loads(document)
        except ValueError:
            from urllib.parse import unquote

            return json.loads(unquote(document))
    return document


def _policies_of(entity: Any) -> list[dict[str, Any]]:
    out = [{"name": name, "document": _doc(doc)} for name, doc in entity.policies.items()]
    out += [{"name": p.name, "document": _doc(_managed_document(p))} for p in entity.managed_policies.values()]
    return out


def identity_policies(principal: Principal) -> list[dict[str, Any]]:
    if principal.kind == "user":
        policies = _policies_of(principal.user)
        for group in principal.iam.get_groups_for_user(principal.user.name):
            policies += [{"name": f"{group.name}/{p['name']}", "document": p["document"]} for p in _policies_of(group)]
        return policies
    return _policies_of(principal.role) if principal.role else []


def permission_boundaries(principal: Any) -> list[dict[str, Any]]:
    entity = principal.user if principal.kind == "user" else principal.role
    arn = getattr(entity, "permissions_boundary_arn", None) if entity is not None else None
    if not arn:
        return []
    try:
        policy = principal.iam.get_policy(arn)
    except Exception:
        return []
    return [{"name": policy.name, "document": _doc(_managed_document(policy))}]


def principal_tags(principal: Principal) -> dict[str, str]:
    """``aws:PrincipalTag/*``: user tags; for a session, the role's tags overlaid by the session tags."""
    if principal.kind == "user":
        return {t["Key"]: t["Value"] for t in principal.iam.list_user_tags(principal.user.name)}
    tags: dict[str, str] = {}
    if principal.role is not None:
        role_tags = principal.role.tags or []  # moto: a list of {"Key", "Value"}
        tags.update({t["Key"]: t["Value"] for t in (role_tags.values() if isinstance(role_tags, dict) else role_tags)})
    tags.update(principal.session_tags)
    return tags


def service_control_policies(account_id: str, partition: str = "aws") -> list[dict[str, Any]]:
    """SCPs in effect for ``account_id``: one entry per level (root, each OU, the account)."""
    from moto.organizations.models import FakeRoot, organizations_backends

    backend = None
    if account_id in organizations_backends.master_accounts:
        master, master_partition = organizations_backends.master_accounts[account_id]
        backend = organizations_backends[master][master_partition]
    elif account_id in organizations_backends and partition in organizations_backends[account_id]:
        candidate = organizations_backends[account_id][partition]
        backend = candidate if candidate.org else None
    if backend is None or backend.org is None or backend.org.master_account_id == account_id:
        return []
    roots = [ou for ou in backend.ou if isinstance(ou, FakeRoot)]
    if not roots or not any(
        t.get("Type") == "SERVICE_CONTROL_POLICY" and t.get("Status") == "ENABLED" for t in roots[0].policy_types
    ):
        return []
    account = next((a for a in backend.accounts if a.id == account_id), None)
    if account is None:
        return []
    chain: list[Any] = [account]
    parent_id = account.parent_id
    by_id = {ou.id: ou for ou in backend.ou}
    while parent_id and parent_id in by_id:
        chain.append(by_id[parent_id])
        parent_id = by_id[parent_id].parent_id if by_id[parent_id].type != "ROOT" else None
    levels = []
    for node in reversed(chain):
        policies = [
            {"name": p.name, "document": _doc(p.content)}
            for p in node.attached_policies
            if p.type == "SERVICE_CONTROL_POLICY"
        ]
        levels.append({"orgIdentifier": node.id, "policies": policies})
    return levels


# --------------------------------------------------------------------------- context and evaluation


def iso_now(now: datetime) -> str:
    return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def principal_context(principal: Principal, now: datetime) -> dict[str, Any]:
    context: dict[str, Any] = {
        "aws:PrincipalArn": principal.principal_arn,
        "aws:PrincipalAccount": principal.account_id,
        "aws:PrincipalType": "User" if principal.kind == "user" else "AssumedRole",
        "aws:userid": principal.userid,
        "aws:SecureTransport": "true",
        "aws:CurrentTime": iso_now(now),
        "aws:EpochTime": str(int(now.timestamp())),
    }
    if principal.kind == "user":
        context["aws:username"] = principal.user.name
    for key, value in principal_tags(principal).items():
        context[f"aws:PrincipalTag/{key}"] = value
    return context


def evaluate(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Decisions of the IAM evaluator (``iam_eval.evaluate``) for a batch of requests."""
    import iam_eval  # written alongside; imported lazily so the emulator starts without it

    return iam_eval.evaluate(requests)


def denial_reason(result: dict[str, Any]) -> str:
    """AWS's explanation of a denial (``{action}`` is filled in by the caller)."""
    kind = {
        "scp": "service control policy",
        "boundary": "permissions boundary",
        "resource": "resource-based policy",
        "rcp": "resource control policy",
        "vpce": "VPC endpoint policy",
    }.get(result.get("deniedBy") or "identity", "identity-based policy")
    if result.get("decision") == "ExplicitlyDenied":
        return f"with an explicit deny in {'an' if kind[0] in 'aeiou' else 'a'} {kind}"
    return f"because no {kind} allows the {{action}} action"


def denial_message(principal_arn: str, action: str, resource: str, result: dict[str, Any]) -> str:
    reason = denial_reason(result).format(action=action)
    return f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource} {reason}"
