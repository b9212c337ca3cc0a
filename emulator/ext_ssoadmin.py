"""IAM Identity Center (SSO Admin) extensions for moto 5.2.1.

Permission sets get AWS's ARN format
(``arn:aws:sso:::permissionSet/ssoins-<16>/ps-<16>``; moto appended ``/ps-…``
to the instance ARN); adds resource tagging (TagResource, UntagResource,
ListTagsForResource, CreatePermissionSet's Tags) and
DescribePermissionSetProvisioningStatus for the request ids that
ProvisionPermissionSet returns.

SSO Admin is a JSON 1.1 protocol service (``X-Amz-Target:
SWBExternalService.<Operation>``); moto dispatches each target to the
snake_case method of ``SSOAdminResponse``. State lives on moto's per-account,
per-region ``SSOAdminBackend``.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import json
import uuid
from typing import Any

from moto.core.utils import unix_time
from moto.moto_api._internal import mock_random
from moto.ssoadmin.models import PermissionSet, SSOAdminBackend
from moto.ssoadmin.responses import SSOAdminResponse
from moto.utilities.tagging_service import TaggingService

from ext_common import AwsError, extend_init, ok, patch

SERVICE = "sso-admin"
Resp = tuple[str, dict[str, Any]]
MAX_TAGS = 50


def not_found(message: str) -> AwsError:
    return AwsError(SERVICE, "ResourceNotFoundException", message)


def _init_state(self: SSOAdminBackend) -> None:
    self.tagger = TaggingService()
    self.provisioning_requests = {}  # request id -> status dict


extend_init(SSOAdminBackend, _init_state)


@patch(PermissionSet, "generate_id")
@staticmethod
def generate_id(instance_arn: str) -> str:
    partition = instance_arn.split(":")[1]
    instance_id = instance_arn.split("/")[-1]
    suffix = mock_random.get_random_hex(16)
    return f"arn:{partition}:sso:::permissionSet/{instance_id}/ps-{suffix}"


def _resource(backend: SSOAdminBackend, arn: Any) -> str:
    if not isinstance(arn, str) or not arn:
        raise AwsError(SERVICE, "ValidationException", "ResourceArn is required.")
    known = {ps.permission_set_arn for ps in backend.permission_sets} | {i.instance_arn for i in backend.instances}
    if arn not in known:
        raise not_found(f"Could not find resource {arn}")
    return arn


_original_create = SSOAdminResponse.create_permission_set
_original_delete = SSOAdminBackend.delete_permission_set
_original_provision = SSOAdminResponse.provision_permission_set


@patch(SSOAdminResponse)
def create_permission_set(self: SSOAdminResponse) -> Resp:
    tags = self._get_param("Tags") or []
    if len(tags) > MAX_TAGS:
        raise AwsError(SERVICE, "ValidationException", f"A permission set can have at most {MAX_TAGS} tags.")
    body = json.loads(_original_create(self))
    if tags:
        self.ssoadmin_backend.tagger.tag_resource(body["PermissionSet"]["PermissionSetArn"], tags)
    return ok(body)


@patch(SSOAdminBackend)
def delete_permission_set(self: SSOAdminBackend, instance_arn: str, permission_set_arn: str) -> dict[str, Any]:
    result = _original_delete(self, instance_arn, permission_set_arn)
    self.tagger.delete_all_tags_for_resource(permission_set_arn)
    return result


@patch(SSOAdminResponse)
def list_tags_for_resource(self: SSOAdminResponse) -> Resp:
    backend: SSOAdminBackend = self.ssoadmin_backend
    arn = _resource(backend, self._get_param("ResourceArn"))
    return ok({"Tags": backend.tagger.list_tags_for_resource(arn)["Tags"]})


@patch(SSOAdminResponse)
def tag_resource(self: SSOAdminResponse) -> Resp:
    backend: SSOAdminBackend = self.ssoadmin_backend
    arn = _resource(backend, self._get_param("ResourceArn"))
    tags = self._get_param("Tags")
    if not isinstance(tags, list) or not tags:
        raise AwsError(SERVICE, "ValidationException", "Tags must not be empty.")
    existing = {t["Key"] for t in backend.tagger.list_tags_for_resource(arn)["Tags"]}
    if len(existing | {t["Key"] for t in tags}) > MAX_TAGS:
        raise AwsError(SERVICE, "ServiceQuotaExceededException", f"A resource can have at most {MAX_TAGS} tags.")
    backend.tagger.tag_resource(arn, tags)
    return ok({})


@patch(SSOAdminResponse)
def untag_resource(self: SSOAdminResponse) -> Resp:
    backend: SSOAdminBackend = self.ssoadmin_backend
    arn = _resource(backend, self._get_param("ResourceArn"))
    keys = self._get_param("TagKeys")
    if not isinstance(keys, list) or not keys:
        raise AwsError(SERVICE, "ValidationException", "TagKeys must not be empty.")
    backend.tagger.untag_resource_using_names(arn, keys)
    return ok({})


@patch(SSOAdminResponse)
def provision_permission_set(self: SSOAdminResponse) -> Resp:
    body = json.loads(_original_provision(self))
    status = body["PermissionSetProvisioningStatus"]
    status["RequestId"] = str(uuid.uuid4())
    self.ssoadmin_backend.provisioning_requests[status["RequestId"]] = dict(status)
    return ok(body)


@patch(SSOAdminResponse)
def describe_permission_set_provisioning_status(self: SSOAdminResponse) -> Resp:
    backend: SSOAdminBackend = self.ssoadmin_backend
    request_id = self._get_param("ProvisionPermissionSetRequestId")
    status = backend.provisioning_requests.get(request_id)
    if status is None:
        raise not_found(f"Could not find provisioning request {request_id}")
    return ok({"PermissionSetProvisioningStatus": status})


@patch(SSOAdminResponse)
def list_permission_set_provisioning_status(self: SSOAdminResponse) -> Resp:
    backend: SSOAdminBackend = self.ssoadmin_backend
    statuses = [
        {"Status": s["Status"], "RequestId": s["RequestId"], "CreatedDate": s.get("CreatedDate", unix_time())}
        for s in backend.provisioning_requests.values()
    ]
    return ok({"PermissionSetsProvisioningStatus": statuses})
