"""AWS Organizations: inviting an existing account (handshakes).

moto 5.2.1 can only create new member accounts (with random ids). A platform team's Bedrock
account usually exists already and joins the organization by invitation, and the emulator's
deployed account (``123456789012``) must be a *member* for service control policies to apply to
it (SCPs never apply to the management account). This extension implements the invitation
handshake of the AWS Organizations API reference:

- ``InviteAccountToOrganization`` (management account; ``Target`` of type ``ACCOUNT``) → an
  ``OPEN`` handshake with action ``INVITE``;
- ``AcceptHandshake`` (the invited account) → the account joins under the root with
  ``JoinedMethod`` ``INVITED``, the default ``FullAWSAccess`` SCP attached, and the handshake is
  ``ACCEPTED``;
- ``DescribeHandshake`` (either party).

Errors: ``AWSOrganizationsNotInUseException`` without an organization,
``DuplicateAccountException`` for an account already in the organization,
``HandshakeNotFoundException``, ``InvalidHandshakeTransitionException`` for a handshake that is not
``OPEN``, ``AccessDeniedException`` when another account accepts.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, cast

from moto.core.utils import utcnow
from moto.organizations import utils
from moto.organizations.models import FakeAccount, OrganizationsBackend, organizations_backends
from moto.organizations.responses import OrganizationsResponse

from ext_common import AwsError, extend_init, json_body, ok, patch, random_id

SERVICE = "organizations"


def _init_state(self: OrganizationsBackend) -> None:
    self.handshakes = {}  # id -> handshake dict (the API shape)


extend_init(OrganizationsBackend, _init_state)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _find_handshake(handshake_id: str) -> tuple[OrganizationsBackend, dict[str, Any]]:
    for account_backends in organizations_backends.values():
        for backend in account_backends.values():
            handshake = getattr(backend, "handshakes", {}).get(handshake_id)
            if handshake is not None:
                return backend, handshake
    raise AwsError(SERVICE, "HandshakeNotFoundException", f"We can't find a handshake with the ID {handshake_id}.")


@patch(OrganizationsResponse)
def invite_account_to_organization(self: OrganizationsResponse) -> tuple[str, dict[str, Any]]:
    backend = self.organizations_backend
    if backend.org is None:
        raise AwsError(SERVICE, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
    params = json_body(self)
    target = params.get("Target") or {}
    if target.get("Type") != "ACCOUNT" or not str(target.get("Id", "")).isdigit() or len(target["Id"]) != 12:
        raise AwsError(SERVICE, "InvalidInputException", "You provided a value that does not match the required pattern.")
    account_id = target["Id"]
    if account_id == backend.org.master_account_id or any(a.id == account_id for a in backend.accounts):
        raise AwsError(SERVICE, "DuplicateAccountException", "That account is already present in the specified destination.")
    handshake_id = f"h-{random_id(32)}"
    now = datetime.now(timezone.utc)
    handshake = {
        "Id": handshake_id,
        "Arn": f"arn:{backend.partition}:organizations::{backend.org.master_account_id}:handshake/{backend.org.id}/invite/{handshake_id}",
        "Parties": [
            {"Id": backend.org.id, "Type": "ORGANIZATION"},
            {"Id": account_id, "Type": "ACCOUNT"},
        ],
        "State": "OPEN",
        "RequestedTimestamp": _iso(now),
        "ExpirationTimestamp": _iso(now + timedelta(days=15)),
        "Action": "INVITE",
        "Resources": [
            {"Value": backend.org.id, "Type": "ORGANIZATION"},
            {"Value": account_id, "Type": "ACCOUNT"},
            *([{"Value": params["Notes"], "Type": "NOTES"}] if params.get("Notes") else []),
        ],
    }
    backend.handshakes[handshake_id] = handshake
    return ok({"Handshake": handshake})


@patch(OrganizationsResponse)
def accept_handshake(self: OrganizationsResponse) -> tuple[str, dict[str, Any]]:
    backend, handshake = _find_handshake(json_body(self).get("HandshakeId", ""))
    account_id = self.current_account
    invited = next(p["Id"] for p in handshake["Parties"] if p["Type"] == "ACCOUNT")
    if account_id != invited:
        raise AwsError(SERVICE, "AccessDeniedException", "You don't have permissions to accept this handshake.")
    if handshake["State"] != "OPEN":
        raise AwsError(
            SERVICE,
            "InvalidHandshakeTransitionException",
            f"You can't perform the operation on the handshake in its current state ({handshake['State']}).",
        )
    org = backend.org
    if org is None:  # deleted since the invitation
        raise AwsError(SERVICE, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
    # A FakeAccount without moto's create-time side effects (an invited account gets no
    # OrganizationAccountAccessRole).
    account = cast(FakeAccount, FakeAccount.__new__(FakeAccount))  # moto: BaseModel.__new__ -> BaseModel
    account.type = "ACCOUNT"
    account.region = org.region
    account.organization_id = org.id
    account.master_account_id = org.master_account_id
    account.create_account_status_id = utils.make_random_create_account_status_id()
    account.id = account_id
    account.name = account_id
    account.email = f"{account_id}@example.com"
    account.create_time = utcnow()
    account.status = "ACTIVE"
    account.state = "ACTIVE"
    account.joined_method = "INVITED"
    account.parent_id = org.root_id
    account.attached_policies = []
    account.tags = {}
    backend.accounts.append(account)
    for policy_id in (utils.DEFAULT_SCP_POLICY_ID, utils.DEFAULT_RCP_POLICY_ID):
        backend.attach_policy(PolicyId=policy_id, TargetId=account_id)
    organizations_backends.master_accounts[account_id] = (backend.account_id, backend.partition)
    handshake["State"] = "ACCEPTED"
    return ok({"Handshake": handshake})


@patch(OrganizationsResponse)
def describe_handshake(self: OrganizationsResponse) -> tuple[str, dict[str, Any]]:
    backend, handshake = _find_handshake(json_body(self).get("HandshakeId", ""))
    parties = {p["Id"] for p in handshake["Parties"] if p["Type"] == "ACCOUNT"}
    if self.current_account not in parties and self.current_account != backend.account_id:
        raise AwsError(SERVICE, "AccessDeniedException", "You don't have permissions to access this handshake.")
    return ok({"Handshake": handshake})

