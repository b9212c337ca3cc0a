"""Amazon Athena extensions for moto 5.2.1.

Adds UpdateWorkGroup and DeleteNamedQuery; makes ListTagsForResource return
an empty list for an existing untagged resource (moto raised an error) and
ResourceNotFoundException for an unknown one; makes GetWorkGroup,
DeleteWorkGroup and GetNamedQuery fail like AWS (InvalidRequestException,
"... is not found" / "... does not exist") instead of returning null or a 500;
keeps a workgroup's State and the effective engine version. Query execution (StartQueryExecution,
GetQueryResults, ...) is ext_athena_query.py's.

Athena is a JSON 1.1 protocol service (``X-Amz-Target:
AmazonAthena.<Operation>``); moto dispatches each target to the snake_case
method of ``AthenaResponse``. State lives on moto's per-account, per-region
``AthenaBackend``.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import json
import re
import time
from typing import Any

from moto.athena.models import AthenaBackend, WorkGroup
from moto.athena.responses import AthenaResponse

from ext_common import AwsError, ok, patch

SERVICE = "athena"
Resp = tuple[str, dict[str, Any]]
WORKGROUP_NAME = re.compile(r"[a-zA-Z0-9._-]{1,128}")
MIN_CUTOFF = 10_000_000
DEFAULT_ENGINE = "Athena engine version 3"


class InvalidRequest(AwsError):
    """Athena's InvalidRequestException carries an AthenaErrorCode next to the message."""

    def __init__(self, message: str, athena_code: str = "INVALID_INPUT") -> None:
        super().__init__(SERVICE, "InvalidRequestException", message)
        self.description = json.dumps(
            {"__type": "InvalidRequestException", "Message": message, "AthenaErrorCode": athena_code}
        )


def _workgroup(backend: AthenaBackend, name: Any) -> WorkGroup:
    if not isinstance(name, str) or not WORKGROUP_NAME.fullmatch(name):
        raise InvalidRequest(f"Invalid WorkGroup name: {name}")
    workgroup = backend.work_groups.get(name)
    if workgroup is None:
        raise InvalidRequest(f"WorkGroup {name} is not found.", "RESOURCE_NOT_FOUND")
    return workgroup


def _effective_engine(configuration: dict[str, Any]) -> None:
    engine = configuration.get("EngineVersion")
    if isinstance(engine, dict):
        selected = engine.get("SelectedEngineVersion") or "AUTO"
        engine["SelectedEngineVersion"] = selected
        engine["EffectiveEngineVersion"] = DEFAULT_ENGINE if selected == "AUTO" else selected


def _validate_configuration(configuration: dict[str, Any]) -> None:
    cutoff = configuration.get("BytesScannedCutoffPerQuery")
    if cutoff is not None and (not isinstance(cutoff, int) or cutoff < MIN_CUTOFF):
        raise InvalidRequest(f"BytesScannedCutoffPerQuery must be at least {MIN_CUTOFF}, got {cutoff}")
    result = configuration.get("ResultConfiguration") or {}
    encryption = result.get("EncryptionConfiguration")
    if encryption is not None:
        option = encryption.get("EncryptionOption")
        if option not in ("SSE_S3", "SSE_KMS", "CSE_KMS"):
            raise InvalidRequest(f"Invalid EncryptionOption: {option}")
        if option in ("SSE_KMS", "CSE_KMS") and not encryption.get("KmsKey"):
            raise InvalidRequest(f"KmsKey is required for {option}")
    location = result.get("OutputLocation")
    if location is not None and not str(location).startswith("s3://"):
        raise InvalidRequest(f"OutputLocation must be an s3:// URI, got {location}")


def workgroup_view(workgroup: WorkGroup) -> dict[str, Any]:
    view: dict[str, Any] = {
        "Name": workgroup.name,
        "State": getattr(workgroup, "state", "ENABLED"),
        "Configuration": workgroup.configuration,
        "CreationTime": getattr(workgroup, "creation_time", None) or time.time(),
    }
    if workgroup.description:
        view["Description"] = workgroup.description
    return view


@patch(AthenaResponse)
def create_work_group(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    name = self._get_param("Name")
    if not isinstance(name, str) or not WORKGROUP_NAME.fullmatch(name):
        raise InvalidRequest(f"Invalid WorkGroup name: {name}")
    if name in backend.work_groups:
        raise InvalidRequest(f"WorkGroup {name} is already created", "ALREADY_EXISTS")
    configuration = self._get_param("Configuration") or {}
    _validate_configuration(configuration)
    workgroup = backend.create_work_group(
        name, configuration, self._get_param("Description") or "", self._get_param("Tags") or []
    )
    assert workgroup is not None
    workgroup.creation_time = time.time()
    _effective_engine(workgroup.configuration)
    return ok({})


@patch(AthenaResponse)
def get_work_group(self: AthenaResponse) -> Resp:
    workgroup = _workgroup(self.athena_backend, self._get_param("WorkGroup"))
    return ok({"WorkGroup": workgroup_view(workgroup)})


@patch(AthenaResponse)
def list_work_groups(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    summaries = []
    for workgroup in backend.work_groups.values():
        view = workgroup_view(workgroup)
        summary = {k: view[k] for k in ("Name", "State", "CreationTime")}
        if "Description" in view:
            summary["Description"] = view["Description"]
        engine = workgroup.configuration.get("EngineVersion")
        if engine:
            summary["EngineVersion"] = engine
        summaries.append(summary)
    return ok({"WorkGroups": summaries})


def _apply_flag_updates(target: dict[str, Any], updates: dict[str, Any], pairs: list[tuple[str, str]]) -> None:
    """Set ``key`` from updates, or drop it when the matching Remove* flag is true."""
    for key, remove in pairs:
        if updates.get(remove):
            target.pop(key, None)
        elif key in updates:
            target[key] = updates[key]


@patch(AthenaResponse)
def update_work_group(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    workgroup = _workgroup(backend, self._get_param("WorkGroup"))
    description = self._get_param("Description")
    state = self._get_param("State")
    updates = self._get_param("ConfigurationUpdates") or {}
    if state is not None and state not in ("ENABLED", "DISABLED"):
        raise InvalidRequest(f"Invalid State: {state}")

    configuration = json.loads(json.dumps(workgroup.configuration))
    for key in (
        "EnforceWorkGroupConfiguration",
        "PublishCloudWatchMetricsEnabled",
        "RequesterPaysEnabled",
        "AdditionalConfiguration",
        "ExecutionRole",
        "EnableMinimumEncryptionConfiguration",
        "MonitoringConfiguration",
        "EngineConfiguration",
        "QueryResultsS3AccessGrantsConfiguration",
    ):
        if key in updates:
            configuration[key] = updates[key]
    _apply_flag_updates(
        configuration,
        updates,
        [
            ("BytesScannedCutoffPerQuery", "RemoveBytesScannedCutoffPerQuery"),
            ("CustomerContentEncryptionConfiguration", "RemoveCustomerContentEncryptionConfiguration"),
        ],
    )
    if "EngineVersion" in updates:
        configuration["EngineVersion"] = dict(updates["EngineVersion"])
        configuration["EngineVersion"].pop("EffectiveEngineVersion", None)
        _effective_engine(configuration)
    result_updates = updates.get("ResultConfigurationUpdates")
    if result_updates is not None:
        result = configuration.setdefault("ResultConfiguration", {})
        _apply_flag_updates(
            result,
            result_updates,
            [
                ("OutputLocation", "RemoveOutputLocation"),
                ("EncryptionConfiguration", "RemoveEncryptionConfiguration"),
                ("ExpectedBucketOwner", "RemoveExpectedBucketOwner"),
                ("AclConfiguration", "RemoveAclConfiguration"),
            ],
        )
    managed_updates = updates.get("ManagedQueryResultsConfigurationUpdates")
    if managed_updates is not None:
        managed = configuration.setdefault("ManagedQueryResultsConfiguration", {"Enabled": False})
        if "Enabled" in managed_updates:
            managed["Enabled"] = managed_updates["Enabled"]
        _apply_flag_updates(managed, managed_updates, [("EncryptionConfiguration", "RemoveEncryptionConfiguration")])
    _validate_configuration(configuration)

    workgroup.configuration = configuration
    if description is not None:
        workgroup.description = description
    if state is not None:
        workgroup.state = state
    return ok({})


@patch(AthenaResponse)
def delete_work_group(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    name = self._get_param("WorkGroup")
    workgroup = _workgroup(backend, name)
    if name == "primary":
        raise InvalidRequest("The primary workgroup cannot be deleted.")
    queries = [q for q in backend.named_queries.values() if q.workgroup is workgroup]
    if queries and not self._get_param("RecursiveDeleteOption"):
        raise InvalidRequest(
            f"WorkGroup {name} is not empty; delete its named queries first or set RecursiveDeleteOption."
        )
    for query in queries:
        del backend.named_queries[query.id]
    del backend.work_groups[name]
    backend.tagger.delete_all_tags_for_resource(workgroup.arn)
    return ok({})


# --------------------------------------------------------------------------- named queries


def _named_query(backend: AthenaBackend, query_id: Any) -> Any:
    if not isinstance(query_id, str) or not query_id or len(query_id) > 128:
        raise InvalidRequest(f"Invalid NamedQueryId: {query_id}")
    query = backend.named_queries.get(query_id)
    if query is None:
        raise InvalidRequest(f"NamedQuery {query_id} does not exist", "RESOURCE_NOT_FOUND")
    return query


def _named_query_view(query: Any) -> dict[str, Any]:
    view = {
        "Name": query.name,
        "Database": query.database,
        "QueryString": query.query_string,
        "NamedQueryId": query.id,
        "WorkGroup": query.workgroup.name,
    }
    if query.description:
        view["Description"] = query.description
    return view


@patch(AthenaResponse)
def create_named_query(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    name = self._get_param("Name")
    database = self._get_param("Database")
    query_string = self._get_param("QueryString")
    limits = (("Name", name, 128), ("Database", database, 255), ("QueryString", query_string, 262144))
    for field, value, limit in limits:
        if not isinstance(value, str) or not 1 <= len(value) <= limit:
            raise InvalidRequest(f"{field} must be between 1 and {limit} characters.")
    workgroup = _workgroup(backend, self._get_param("WorkGroup") or "primary")
    query_id = backend.create_named_query(
        name, self._get_param("Description") or "", database, query_string, workgroup.name
    )
    return ok({"NamedQueryId": query_id})


@patch(AthenaResponse)
def get_named_query(self: AthenaResponse) -> Resp:
    query = _named_query(self.athena_backend, self._get_param("NamedQueryId"))
    return ok({"NamedQuery": _named_query_view(query)})


@patch(AthenaResponse)
def batch_get_named_query(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    found, missing = [], []
    for query_id in self._get_param("NamedQueryIds") or []:
        query = backend.named_queries.get(query_id)
        if query is None:
            missing.append({"NamedQueryId": query_id, "ErrorCode": "INVALID_INPUT", "ErrorMessage": "not found"})
        else:
            found.append(_named_query_view(query))
    return ok({"NamedQueries": found, "UnprocessedNamedQueryIds": missing})


@patch(AthenaResponse)
def delete_named_query(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    query = _named_query(backend, self._get_param("NamedQueryId"))
    del backend.named_queries[query.id]
    return ok({})


# --------------------------------------------------------------------------- tags


def _taggable(backend: AthenaBackend, arn: Any) -> str:
    if not isinstance(arn, str) or not arn:
        raise InvalidRequest("ResourceARN is required.")
    resources = (
        list(backend.work_groups.values())
        + list(backend.data_catalogs.values())
        + list(backend.capacity_reservations.values())
    )
    if not any(r.arn == arn for r in resources):
        raise AwsError(SERVICE, "ResourceNotFoundException", f"Athena resource {arn} does not exist.")
    return arn


@patch(AthenaResponse)
def list_tags_for_resource(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    arn = _taggable(backend, self._get_param("ResourceARN"))
    return ok({"Tags": backend.tagger.list_tags_for_resource(arn)["Tags"]})


@patch(AthenaResponse)
def tag_resource(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    arn = _taggable(backend, self._get_param("ResourceARN"))
    tags = self._get_param("Tags")
    if not isinstance(tags, list) or not tags:
        raise InvalidRequest("Tags must not be empty.")
    backend.tagger.tag_resource(arn, tags)
    return ok({})


@patch(AthenaResponse)
def untag_resource(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    arn = _taggable(backend, self._get_param("ResourceARN"))
    keys = self._get_param("TagKeys")
    if not isinstance(keys, list) or not keys:
        raise InvalidRequest("TagKeys must not be empty.")
    backend.tagger.untag_resource_using_names(arn, keys)
    return ok({})
