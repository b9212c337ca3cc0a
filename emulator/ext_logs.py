"""CloudWatch Logs extensions for moto 5.2.1: Logs Insights query definitions.

Adds PutQueryDefinition (create, or update by ``queryDefinitionId``),
DescribeQueryDefinitions (name-prefix filter, pagination) and
DeleteQueryDefinition (ResourceNotFoundException for unknown ids).

CloudWatch Logs is a JSON 1.1 protocol service (``X-Amz-Target:
Logs_20140328.<Operation>``); moto dispatches each target to the snake_case
method of ``LogsResponse``. State lives on moto's per-account, per-region
``LogsBackend``.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import time
import uuid
from typing import Any

from moto.logs.models import LogsBackend
from moto.logs.responses import LogsResponse

from ext_common import AwsError, decode_token, encode_token, extend_init, ok, patch

SERVICE = "logs"
Resp = tuple[str, dict[str, Any]]
MAX_QUERY_DEFINITIONS = 1000


def invalid(message: str) -> AwsError:
    return AwsError(SERVICE, "InvalidParameterException", message)


def _init_state(self: LogsBackend) -> None:
    self.query_definitions = {}  # id -> dict


extend_init(LogsBackend, _init_state)


@patch(LogsResponse)
def put_query_definition(self: LogsResponse) -> Resp:
    backend: LogsBackend = self.logs_backend
    name = self._get_param("name")
    query_string = self._get_param("queryString")
    definition_id = self._get_param("queryDefinitionId")
    language = self._get_param("queryLanguage") or "CWLI"
    if not isinstance(name, str) or not 1 <= len(name) <= 255:
        raise invalid("name must be between 1 and 255 characters.")
    if not isinstance(query_string, str) or not 1 <= len(query_string) <= 10000:
        raise invalid("queryString must be between 1 and 10000 characters.")
    if language not in ("CWLI", "SQL", "PPL"):
        raise invalid(f"Invalid queryLanguage: {language}")
    if definition_id is not None:
        if definition_id not in backend.query_definitions:
            raise AwsError(SERVICE, "ResourceNotFoundException", f"Query definition {definition_id} does not exist.")
    else:
        if len(backend.query_definitions) >= MAX_QUERY_DEFINITIONS:
            raise AwsError(SERVICE, "LimitExceededException", "Too many query definitions.")
        definition_id = str(uuid.uuid4())
    definition: dict[str, Any] = {
        "queryLanguage": language,
        "queryDefinitionId": definition_id,
        "name": name,
        "queryString": query_string,
        "lastModified": int(time.time() * 1000),
    }
    log_groups = self._get_param("logGroupNames")
    if log_groups:
        definition["logGroupNames"] = list(log_groups)
    parameters = self._get_param("parameters")
    if parameters:
        definition["parameters"] = parameters
    backend.query_definitions[definition_id] = definition
    return ok({"queryDefinitionId": definition_id})


@patch(LogsResponse)
def describe_query_definitions(self: LogsResponse) -> Resp:
    backend: LogsBackend = self.logs_backend
    prefix = self._get_param("queryDefinitionNamePrefix")
    language = self._get_param("queryLanguage")
    max_results = self._get_param("maxResults") or 1000
    if not 1 <= int(max_results) <= 1000:
        raise invalid("maxResults must be between 1 and 1000.")
    definitions = sorted(backend.query_definitions.values(), key=lambda d: (d["name"], d["queryDefinitionId"]))
    if prefix:
        definitions = [d for d in definitions if d["name"].startswith(prefix)]
    if language:
        definitions = [d for d in definitions if d["queryLanguage"] == language]
    offset = decode_token(self._get_param("nextToken"))
    if offset is None:
        raise invalid("The nextToken is invalid.")
    page = definitions[offset : offset + int(max_results)]
    body: dict[str, Any] = {"queryDefinitions": page}
    if offset + int(max_results) < len(definitions):
        body["nextToken"] = encode_token(offset + int(max_results))
    return ok(body)


@patch(LogsResponse)
def delete_query_definition(self: LogsResponse) -> Resp:
    backend: LogsBackend = self.logs_backend
    definition_id = self._get_param("queryDefinitionId")
    if definition_id not in backend.query_definitions:
        raise AwsError(SERVICE, "ResourceNotFoundException", f"Query definition {definition_id} does not exist.")
    del backend.query_definitions[definition_id]
    return ok({"success": True})
