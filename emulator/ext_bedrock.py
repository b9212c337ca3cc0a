"""Amazon Bedrock control-plane extensions for moto 5.2.1.

Adds application inference profiles (Create/Get/List/Delete + tagging),
answers for system-defined cross-region inference profiles, guardrails
(Create/Get/List/Update/Delete, versions, tagging), and makes
GetModelInvocationLoggingConfiguration answer like AWS when nothing is set.

moto routes every Bedrock REST path to ``BedrockResponse`` and dispatches on
the botocore operation name, so each operation below is a method named after
the operation in snake_case.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import unquote

from moto.bedrock.models import BedrockBackend
from moto.bedrock.responses import BedrockResponse
from moto.core.responses import BaseResponse

from ext_common import (
    AwsError,
    extend_init,
    full_match,
    json_body,
    now_iso,
    ok,
    paginate,
    patch,
    query_param,
    random_id,
)

Resp = tuple[str, dict[str, Any]]

SERVICE = "bedrock"

PROFILE_NAME_PATTERN = r"([0-9a-zA-Z][ _-]?)+"
PROFILE_DESCRIPTION_PATTERN = r"([0-9a-zA-Z:.][ _-]?)+"
COPY_FROM_PATTERN = (
    r"arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
    r"(inference-profile|foundation-model)/[a-zA-Z0-9-:.]+"
)
PROFILE_IDENTIFIER_PATTERN = (
    r"(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
    r"(inference-profile|application-inference-profile)/)?[a-zA-Z0-9-:.]+"
)
TAG_PATTERN = r"[a-zA-Z0-9\s._:/=+@-]*"
CLIENT_TOKEN_PATTERN = r"[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?"
GUARDRAIL_NAME_PATTERN = r"[0-9a-zA-Z-_]+"
GUARDRAIL_IDENTIFIER_PATTERN = (
    r"(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))"
)

MAX_TAGS = 50
APPLICATION_PROFILE_QUOTA = int(os.environ.get("CCB_EMULATOR_PROFILE_QUOTA", "1000"))

# Destination regions of system (cross-region) inference profiles, by id prefix.
GEOGRAPHIES: dict[str, list[str]] = {
    "us": ["us-east-1", "us-east-2", "us-west-1", "us-west-2"],
    "us-gov": ["us-gov-east-1", "us-gov-west-1"],
    "eu": [
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
    ],
    "apac": [
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
    ],
    "jp": ["ap-northeast-1", "ap-northeast-3"],
    "au": ["ap-southeast-2", "ap-southeast-4"],
    "ca": ["ca-central-1", "ca-west-1"],
}
GLOBAL_REGIONS = sorted({r for regions in GEOGRAPHIES.values() for r in regions if "gov" not in r})

# Foundation models the emulator knows (Anthropic Claude on Bedrock). Extend with
# CCB_EMULATOR_EXTRA_MODELS="provider.model-v1:0,other.model-v2".
KNOWN_MODELS = [
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-3-5-haiku-20241022-v1:0",
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-3-5-sonnet-20241022-v2:0",
    "anthropic.claude-3-7-sonnet-20250219-v1:0",
    "anthropic.claude-sonnet-4-20250514-v1:0",
    "anthropic.claude-opus-4-20250514-v1:0",
    "anthropic.claude-opus-4-1-20250805-v1:0",
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-haiku-4-5-20251001-v1:0",
    "anthropic.claude-opus-4-5-20251101-v1:0",
    "anthropic.claude-opus-4-6-v1",
    "anthropic.claude-sonnet-4-6",
]


def known_models() -> list[str]:
    extra = [m.strip() for m in os.environ.get("CCB_EMULATOR_EXTRA_MODELS", "").split(",")]
    return KNOWN_MODELS + [m for m in extra if m]


def partition_of(region: str) -> str:
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws"


def error(code: str, message: str) -> AwsError:
    return AwsError(SERVICE, code, message)


def validation(message: str) -> AwsError:
    return error("ValidationException", message)


def constraint(field: str, value: Any, rule: str = "") -> AwsError:
    """ValidationException worded like AWS's model-validation errors."""
    message = f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint"
    return validation(f"{message}: {rule}" if rule else message)


def not_found(message: str) -> AwsError:
    return error("ResourceNotFoundException", message)


# --------------------------------------------------------------------------- system profiles


def system_profile(profile_id: str, region: str, account_id: str) -> dict[str, Any] | None:
    """The SYSTEM_DEFINED profile ``profile_id`` as seen from ``region``, if it exists there."""
    geo, _, model_id = profile_id.partition(".")
    if model_id not in known_models():
        return None
    regions = GLOBAL_REGIONS if geo == "global" else GEOGRAPHIES.get(geo)
    if not regions or region not in regions:
        return None
    partition = partition_of(region)
    geo_label = geo.upper() if geo != "global" else "Global"
    return {
        "inferenceProfileName": f"{geo_label} {model_id}",
        "description": f"Routes requests to {model_id} in {', '.join(regions)}.",
        "createdAt": "2025-01-01T00:00:00.000Z",
        "updatedAt": "2025-01-01T00:00:00.000Z",
        "inferenceProfileArn": f"arn:{partition}:bedrock:{region}:{account_id}:inference-profile/{profile_id}",
        "models": [
            {"modelArn": f"arn:{partition}:bedrock:{r}::foundation-model/{model_id}"} for r in regions
        ],
        "inferenceProfileId": profile_id,
        "status": "ACTIVE",
        "type": "SYSTEM_DEFINED",
    }


def system_profiles(region: str, account_id: str) -> list[dict[str, Any]]:
    geos = ["global"] + list(GEOGRAPHIES)
    result = []
    for model_id in known_models():
        for geo in geos:
            profile = system_profile(f"{geo}.{model_id}", region, account_id)
            if profile:
                result.append(profile)
    return result


# --------------------------------------------------------------------------- backend state


def _init_state(self: BedrockBackend) -> None:
    self.inference_profiles = {}  # id -> dict
    self.inference_profile_tokens = {}  # clientRequestToken -> id
    self.inference_profile_sources = {}  # id -> modelSource.copyFrom (the data plane's authorization hops)
    self.guardrails = {}  # id -> {"draft": dict, "versions": {n: dict}, "next_version": int}
    self.guardrail_tokens = {}


extend_init(BedrockBackend, _init_state)

_original_list_arns = BedrockBackend._list_arns


@patch(BedrockBackend, "_list_arns")
def _list_arns(self: BedrockBackend) -> list[str]:
    """Taggable ARNs: moto's own plus application profiles and guardrails."""
    return (
        _original_list_arns(self)
        + [p["inferenceProfileArn"] for p in self.inference_profiles.values()]
        + [g["draft"]["guardrailArn"] for g in self.guardrails.values()]
    )


def _validate_tags(tags: Any) -> list[dict[str, str]]:
    if tags is None:
        return []
    if not isinstance(tags, list):
        raise validation("tags must be a list")
    if len(tags) > 200:
        raise validation(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: "
            "Member must have length less than or equal to 200"
        )
    for tag in tags:
        key, value = tag.get("key"), tag.get("value")
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or not full_match(TAG_PATTERN, key):
            raise constraint("tags.member.key", key)
        if not isinstance(value, str) or len(value) > 256 or not full_match(TAG_PATTERN, value):
            raise constraint("tags.member.value", value)
    return tags


def _resolve_copy_from(backend: BedrockBackend, copy_from: str) -> list[dict[str, str]]:
    """Models of an application profile copied from a system profile or foundation model ARN."""
    arn = re.fullmatch(
        r"arn:(?P<partition>[a-z-]+):bedrock:(?P<region>[0-9a-z-]*):(?P<account>[0-9]*):"
        r"(?P<kind>inference-profile|foundation-model)/(?P<id>.+)",
        copy_from,
    )
    assert arn is not None  # pattern checked by the caller
    region = arn["region"] or backend.region_name
    if arn["kind"] == "foundation-model":
        if arn["id"] not in known_models():
            raise not_found(f"The specified model {copy_from} was not found.")
        return [{"modelArn": f"arn:{arn['partition']}:bedrock:{region}::foundation-model/{arn['id']}"}]
    if arn["account"] not in ("", backend.account_id):
        raise not_found(f"Inference profile {copy_from} not found.")
    profile = system_profile(arn["id"], region, backend.account_id)
    if profile is None:
        raise not_found(f"Inference profile {copy_from} not found.")
    return [dict(m) for m in profile["models"]]


def _find_profile(backend: BedrockBackend, identifier: str) -> dict[str, Any]:
    if not full_match(PROFILE_IDENTIFIER_PATTERN, identifier) or len(identifier) > 2048:
        raise validation(
            f"1 validation error detected: Value '{identifier}' at 'inferenceProfileIdentifier' "
            "failed to satisfy constraint: Member must satisfy regular expression pattern: "
            f"{PROFILE_IDENTIFIER_PATTERN}"
        )
    for profile in backend.inference_profiles.values():
        if identifier in (profile["inferenceProfileId"], profile["inferenceProfileArn"]):
            return profile
    system_id = identifier
    match = re.fullmatch(r"arn:[a-z-]+:bedrock:([0-9a-z-]*):([0-9]*):inference-profile/(.+)", identifier)
    if match:
        if match[1] not in ("", backend.region_name) or match[2] not in ("", backend.account_id):
            raise not_found(f"Inference profile {identifier} not found.")
        system_id = match[3]
    if not identifier.startswith("arn:") or match:
        profile = system_profile(system_id, backend.region_name, backend.account_id)
        if profile:
            return profile
    raise not_found(f"Inference profile {identifier} not found.")


def _application_summary(profile: dict[str, Any]) -> dict[str, Any]:
    """A copy of the stored profile: the GetInferenceProfile / summary shape."""
    return dict(profile)


# --------------------------------------------------------------------------- inference profiles


@patch(BedrockResponse)
def create_inference_profile(self: BedrockResponse) -> Resp:
    backend: BedrockBackend = self.bedrock_backend
    params = json_body(self)
    name = params.get("inferenceProfileName")
    description = params.get("description")
    token = params.get("clientRequestToken")
    source = params.get("modelSource") or {}
    tags = _validate_tags(params.get("tags"))

    if not isinstance(name, str) or not 1 <= len(name) <= 64 or not full_match(PROFILE_NAME_PATTERN, name):
        raise validation(
            f"1 validation error detected: Value '{name}' at 'inferenceProfileName' failed to satisfy "
            f"constraint: Member must satisfy regular expression pattern: {PROFILE_NAME_PATTERN} "
            "and have length between 1 and 64"
        )
    if description is not None and (
        not 1 <= len(description) <= 200 or not full_match(PROFILE_DESCRIPTION_PATTERN, description)
    ):
        raise validation(
            f"1 validation error detected: Value '{description}' at 'description' failed to satisfy "
            f"constraint: Member must satisfy regular expression pattern: {PROFILE_DESCRIPTION_PATTERN}"
        )
    if token is not None and not full_match(CLIENT_TOKEN_PATTERN, token):
        raise constraint("clientRequestToken", token)
    copy_from = source.get("copyFrom")
    if not isinstance(copy_from, str) or not full_match(COPY_FROM_PATTERN, copy_from):
        raise validation(
            f"1 validation error detected: Value '{copy_from}' at 'modelSource.copyFrom' failed to "
            f"satisfy constraint: Member must satisfy regular expression pattern: {COPY_FROM_PATTERN}"
        )

    if token and token in backend.inference_profile_tokens:
        existing = backend.inference_profiles.get(backend.inference_profile_tokens[token])
        if existing and existing["inferenceProfileName"] == name:
            return _created(existing)
        raise error("ConflictException", "The client request token has already been used with different parameters.")
    if any(p["inferenceProfileName"] == name for p in backend.inference_profiles.values()):
        raise error("ConflictException", f"Inference profile with name {name} already exists.")
    if len(tags) > MAX_TAGS:
        raise error("TooManyTagsException", f"Number of tags exceeds the limit of {MAX_TAGS}.")
    if len(backend.inference_profiles) >= APPLICATION_PROFILE_QUOTA:
        raise error(
            "ServiceQuotaExceededException",
            "The number of application inference profiles in this account and region "
            f"exceeds the quota of {APPLICATION_PROFILE_QUOTA}.",
        )
    models = _resolve_copy_from(backend, copy_from)

    profile_id = random_id(12)
    while profile_id in backend.inference_profiles:
        profile_id = random_id(12)
    timestamp = now_iso()
    profile: dict[str, Any] = {
        "inferenceProfileName": name,
        "createdAt": timestamp,
        "updatedAt": timestamp,
        "inferenceProfileArn": (
            f"arn:{partition_of(backend.region_name)}:bedrock:{backend.region_name}:"
            f"{backend.account_id}:application-inference-profile/{profile_id}"
        ),
        "models": models,
        "inferenceProfileId": profile_id,
        "status": "ACTIVE",
        "type": "APPLICATION",
    }
    if description is not None:
        profile["description"] = description
    backend.inference_profiles[profile_id] = profile
    backend.inference_profile_sources[profile_id] = copy_from
    if token:
        backend.inference_profile_tokens[token] = profile_id
    if tags:
        backend.tag_resource(profile["inferenceProfileArn"], tags)
    return _created(profile)


def _created(profile: dict[str, Any]) -> Resp:
    body = {"inferenceProfileArn": profile["inferenceProfileArn"], "status": profile["status"]}
    return ok(body, 201)


def _identifier_from_path(self: BaseResponse, prefix: str) -> str:
    path = getattr(self, "raw_path", None) or self.path
    return unquote(path[len(prefix) :]) if path.startswith(prefix) else unquote(path.split("/")[-1])


@patch(BedrockResponse)
def get_inference_profile(self: BedrockResponse) -> Resp:
    identifier = _identifier_from_path(self, "/inference-profiles/")
    profile = _find_profile(self.bedrock_backend, identifier)
    return ok(_application_summary(profile))


@patch(BedrockResponse)
def list_inference_profiles(self: BedrockResponse) -> Resp:
    backend: BedrockBackend = self.bedrock_backend
    type_equals = query_param(self, "type") or "SYSTEM_DEFINED"
    if type_equals not in ("SYSTEM_DEFINED", "APPLICATION"):
        raise validation(
            f"1 validation error detected: Value '{type_equals}' at 'typeEquals' failed to satisfy "
            "constraint: Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]"
        )
    max_results_raw = query_param(self, "maxResults")
    max_results = None
    if max_results_raw is not None:
        try:
            max_results = int(max_results_raw)
        except ValueError:
            raise validation(f"Invalid maxResults: {max_results_raw}") from None
        if not 1 <= max_results <= 1000:
            raise validation(
                f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to satisfy "
                "constraint: Member must have value between 1 and 1000"
            )
    if type_equals == "APPLICATION":
        items = sorted(backend.inference_profiles.values(), key=lambda p: (p["createdAt"], p["inferenceProfileId"]))
        items = [_application_summary(p) for p in items]
    else:
        items = system_profiles(backend.region_name, backend.account_id)
    page = paginate(items, query_param(self, "nextToken"), max_results, default=1000)
    if page is None:
        raise validation("The pagination token is invalid.")
    summaries, next_token = page
    body: dict[str, Any] = {"inferenceProfileSummaries": summaries}
    if next_token:
        body["nextToken"] = next_token
    return ok(body)


@patch(BedrockResponse)
def delete_inference_profile(self: BedrockResponse) -> Resp:
    backend: BedrockBackend = self.bedrock_backend
    identifier = _identifier_from_path(self, "/inference-profiles/")
    profile = _find_profile(backend, identifier)
    if profile["type"] != "APPLICATION":
        raise validation(f"Inference profile {identifier} is a system-defined profile and cannot be deleted.")
    del backend.inference_profiles[profile["inferenceProfileId"]]
    backend.inference_profile_sources.pop(profile["inferenceProfileId"], None)
    backend.tagger.delete_all_tags_for_resource(profile["inferenceProfileArn"])
    return ok()


# --------------------------------------------------------------------------- tagging


def _taggable(backend: BedrockBackend, arn: Any) -> str:
    """``arn`` when it names a taggable resource of ``backend``."""
    if not isinstance(arn, str) or not 20 <= len(arn) <= 1011:
        raise validation(f"1 validation error detected: Value '{arn}' at 'resourceARN' failed to satisfy constraint")
    if arn not in backend._list_arns():
        raise not_found(f"Resource {arn} not found.")
    return arn


@patch(BedrockResponse)
def tag_resource(self: BedrockResponse) -> Resp:
    backend: BedrockBackend = self.bedrock_backend
    params = json_body(self)
    arn = _taggable(backend, params.get("resourceARN"))
    tags = _validate_tags(params.get("tags"))
    existing = {t["Key"] for t in backend.tagger.list_tags_for_resource(arn)["Tags"]}
    if len(existing | {t["key"] for t in tags}) > MAX_TAGS:
        raise error("TooManyTagsException", f"Number of tags exceeds the limit of {MAX_TAGS}.")
    backend.tag_resource(arn, tags)
    return ok()


@patch(BedrockResponse)
def untag_resource(self: BedrockResponse) -> Resp:
    backend: BedrockBackend = self.bedrock_backend
    params = json_body(self)
    arn = _taggable(backend, params.get("resourceARN"))
    keys = params.get("tagKeys")
    if not isinstance(keys, list):
        raise constraint("tagKeys", keys, "Member must not be null")
    backend.untag_resource(arn, keys)
    return ok()


@patch(BedrockResponse)
def list_tags_for_resource(self: BedrockResponse) -> Resp:
    backend: BedrockBackend = self.bedrock_backend
    arn = _taggable(backend, json_body(self).get("resourceARN"))
    return ok({"tags": backend.list_tags_for_resource(arn)})


# --------------------------------------------------------------------------- invocation logging


@patch(BedrockResponse)
def get_model_invocation_logging_configuration(self: BedrockResponse) -> Resp:
    config = self.bedrock_backend.get_model_invocation_logging_configuration()
    return ok({"loggingConfig": config} if config else {})


@patch(BedrockResponse)
def put_model_invocation_logging_configuration(self: BedrockResponse) -> Resp:
    params = json_body(self)
    config = params.get("loggingConfig")
    if not isinstance(config, dict):
        raise constraint("loggingConfig", config, "Member must not be null")
    for key in ("cloudWatchConfig", "s3Config"):
        dest = config.get(key)
        if dest is None:
            continue
        if key == "s3Config" and not dest.get("bucketName"):
            raise constraint("loggingConfig.s3Config.bucketName", None, "Member must not be null")
        if key == "cloudWatchConfig" and (not dest.get("logGroupName") or not dest.get("roleArn")):
            raise constraint("loggingConfig.cloudWatchConfig", dest, "logGroupName and roleArn are required")
    self.bedrock_backend.put_model_invocation_logging_configuration(logging_config=config)
    return ok()


@patch(BedrockResponse)
def delete_model_invocation_logging_configuration(self: BedrockResponse) -> Resp:
    self.bedrock_backend.model_invocation_logging_configuration = None
    return ok()


# --------------------------------------------------------------------------- guardrails

# Request member -> response member of a guardrail's policies.
_POLICY_RENAMES = {
    "topicPolicyConfig": ("topicPolicy", {"topicsConfig": "topics", "tierConfig": "tier"}),
    "contentPolicyConfig": ("contentPolicy", {"filtersConfig": "filters", "tierConfig": "tier"}),
    "wordPolicyConfig": ("wordPolicy", {"wordsConfig": "words", "managedWordListsConfig": "managedWordLists"}),
    "sensitiveInformationPolicyConfig": (
        "sensitiveInformationPolicy",
        {"piiEntitiesConfig": "piiEntities", "regexesConfig": "regexes"},
    ),
    "contextualGroundingPolicyConfig": ("contextualGroundingPolicy", {"filtersConfig": "filters"}),
    "automatedReasoningPolicyConfig": ("automatedReasoningPolicy", {}),
}


GUARDRAIL_TOPIC_NAME_PATTERN = r"[0-9a-zA-Z-_ !?.]+"
# Members of a denied topic GetGuardrail returns besides name, definition, examples and type, when
# the request set them.
_TOPIC_OPTIONAL = ("inputAction", "outputAction", "inputEnabled", "outputEnabled")


def _topic(topic: dict[str, Any]) -> dict[str, Any]:
    """A denied topic as GetGuardrail returns it: its examples always listed, in order ([] when
    the request gave none), the optional actions only when set."""
    stored = {
        "name": topic["name"],
        "definition": topic["definition"],
        "examples": list(topic.get("examples") or []),
        "type": topic["type"],
    }
    return {**stored, **{k: topic[k] for k in _TOPIC_OPTIONAL if k in topic}}


def _validate_topics(policy: Any) -> None:
    """The topic policy's limits: 1-30 topics, each with a name (1-100 characters of
    ``GUARDRAIL_TOPIC_NAME_PATTERN``), a definition (1-200), at most 5 examples (1-100 each) and
    type ``DENY``."""
    field = "topicPolicyConfig.topicsConfig"
    topics = policy.get("topicsConfig") if isinstance(policy, dict) else None
    if not isinstance(topics, list) or not 1 <= len(topics) <= 30:
        raise constraint(field, topics, "Member must have length between 1 and 30")
    for i, topic in enumerate(topics, 1):
        at = f"{field}.{i}.member"
        name, definition = topic.get("name"), topic.get("definition")
        if not isinstance(name, str) or not 1 <= len(name) <= 100 or not full_match(GUARDRAIL_TOPIC_NAME_PATTERN, name):
            raise constraint(
                f"{at}.name", name, f"Member must satisfy regular expression pattern: {GUARDRAIL_TOPIC_NAME_PATTERN}"
            )
        if not isinstance(definition, str) or not 1 <= len(definition) <= 200:
            raise constraint(f"{at}.definition", definition, "Member must have length between 1 and 200")
        examples = topic.get("examples", [])
        if not isinstance(examples, list) or len(examples) > 5:
            raise constraint(f"{at}.examples", examples, "Member must have length less than or equal to 5")
        for example in examples:
            if not isinstance(example, str) or not 1 <= len(example) <= 100:
                raise constraint(f"{at}.examples", example, "Member must have length between 1 and 100")
        if topic.get("type") != "DENY":
            raise constraint(f"{at}.type", topic.get("type"), "Member must satisfy enum value set: [DENY]")


def _guardrail_policies(params: dict[str, Any]) -> dict[str, Any]:
    policies: dict[str, Any] = {}
    for request_key, (response_key, members) in _POLICY_RENAMES.items():
        value = params.get(request_key)
        if value is None:
            continue
        policies[response_key] = {members.get(k, k): v for k, v in value.items()}
    if "topicPolicy" in policies:
        policies["topicPolicy"]["topics"] = [_topic(t) for t in policies["topicPolicy"]["topics"]]
    cross_region = params.get("crossRegionConfig")
    if cross_region:
        ident = cross_region.get("guardrailProfileIdentifier", "")
        profile_id = ident.split("/")[-1]
        details = {"guardrailProfileId": profile_id}
        if ident.startswith("arn:"):
            details["guardrailProfileArn"] = ident
        policies["crossRegionDetails"] = details
    return policies


def _validate_guardrail(params: dict[str, Any], creating: bool) -> None:
    name = params.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 50 or not full_match(GUARDRAIL_NAME_PATTERN, name):
        raise validation(
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {GUARDRAIL_NAME_PATTERN}"
        )
    for key in ("blockedInputMessaging", "blockedOutputsMessaging"):
        value = params.get(key)
        if not isinstance(value, str) or not 1 <= len(value) <= 500:
            raise constraint(key, value, "Member must have length between 1 and 500")
    description = params.get("description")
    if description is not None and not 1 <= len(description) <= 200:
        raise constraint("description", description, "Member must have length between 1 and 200")
    if not any(params.get(k) for k in _POLICY_RENAMES):
        raise validation("At least one policy must be configured for the guardrail.")
    if params.get("topicPolicyConfig") is not None:
        _validate_topics(params["topicPolicyConfig"])
    if creating:
        _validate_tags(params.get("tags"))


def _find_guardrail(backend: BedrockBackend, identifier: str) -> dict[str, Any]:
    if not full_match(GUARDRAIL_IDENTIFIER_PATTERN, identifier):
        raise validation(
            f"1 validation error detected: Value '{identifier}' at 'guardrailIdentifier' failed to satisfy "
            f"constraint: Member must satisfy regular expression pattern: {GUARDRAIL_IDENTIFIER_PATTERN}"
        )
    guardrail_id = identifier.split("/")[-1]
    guardrail = backend.guardrails.get(guardrail_id)
    if guardrail is None or (identifier.startswith("arn:") and guardrail["draft"]["guardrailArn"] != identifier):
        raise not_found(f"Guardrail {identifier} not found.")
    return guardrail


@patch(BedrockResponse)
def create_guardrail(self: BedrockResponse) -> Resp:
    backend: BedrockBackend = self.bedrock_backend
    params = json_body(self)
    _validate_guardrail(params, creating=True)
    token = params.get("clientRequestToken")
    if token and token in backend.guardrail_tokens and backend.guardrail_tokens[token] in backend.guardrails:
        draft = backend.guardrails[backend.guardrail_tokens[token]]["draft"]
        return _guardrail_created(draft)
    if any(g["draft"]["name"] == params["name"] for g in backend.guardrails.values()):
        raise error("ConflictException", f"Guardrail with name {params['name']} already exists.")
    tags = params.get("tags") or []
    if len(tags) > MAX_TAGS:
        raise error("TooManyTagsException", f"Number of tags exceeds the limit of {MAX_TAGS}.")
    guardrail_id = random_id(12)
    timestamp = now_iso()
    draft: dict[str, Any] = {
        "name": params["name"],
        "guardrailId": guardrail_id,
        "guardrailArn": (
            f"arn:{partition_of(backend.region_name)}:bedrock:{backend.region_name}:"
            f"{backend.account_id}:guardrail/{guardrail_id}"
        ),
        "version": "DRAFT",
        "status": "READY",
        "createdAt": timestamp,
        "updatedAt": timestamp,
        "blockedInputMessaging": params["blockedInputMessaging"],
        "blockedOutputsMessaging": params["blockedOutputsMessaging"],
        **_guardrail_policies(params),
    }
    if params.get("description") is not None:
        draft["description"] = params["description"]
    if params.get("kmsKeyId"):
        draft["kmsKeyArn"] = _kms_key_arn(backend, params["kmsKeyId"])
    backend.guardrails[guardrail_id] = {"draft": draft, "versions": {}, "next_version": 1}
    if token:
        backend.guardrail_tokens[token] = guardrail_id
    if tags:
        backend.tag_resource(draft["guardrailArn"], tags)
    return _guardrail_created(draft)


def _kms_key_arn(backend: BedrockBackend, key_id: str) -> str:
    if key_id.startswith("arn:"):
        return key_id
    return f"arn:{partition_of(backend.region_name)}:kms:{backend.region_name}:{backend.account_id}:key/{key_id}"


def _guardrail_created(draft: dict[str, Any]) -> Resp:
    body = {
        "guardrailId": draft["guardrailId"],
        "guardrailArn": draft["guardrailArn"],
        "version": "DRAFT",
        "createdAt": draft["createdAt"],
    }
    return ok(body, 202)


@patch(BedrockResponse)
def get_guardrail(self: BedrockResponse) -> Resp:
    guardrail = _find_guardrail(self.bedrock_backend, _identifier_from_path(self, "/guardrails/"))
    version = query_param(self, "guardrailVersion") or "DRAFT"
    if version == "DRAFT":
        return ok(guardrail["draft"])
    if not full_match(r"[1-9][0-9]{0,7}", version):
        raise constraint("guardrailVersion", version)
    if version not in guardrail["versions"]:
        raise not_found(f"Guardrail version {version} of {guardrail['draft']['guardrailId']} not found.")
    return ok(guardrail["versions"][version])


@patch(BedrockResponse)
def update_guardrail(self: BedrockResponse) -> Resp:
    backend: BedrockBackend = self.bedrock_backend
    guardrail = _find_guardrail(backend, _identifier_from_path(self, "/guardrails/"))
    params = json_body(self)
    _validate_guardrail(params, creating=False)
    if any(g is not guardrail and g["draft"]["name"] == params["name"] for g in backend.guardrails.values()):
        raise error("ConflictException", f"Guardrail with name {params['name']} already exists.")
    old = guardrail["draft"]
    draft: dict[str, Any] = {
        "name": params["name"],
        "guardrailId": old["guardrailId"],
        "guardrailArn": old["guardrailArn"],
        "version": "DRAFT",
        "status": "READY",
        "createdAt": old["createdAt"],
        "updatedAt": now_iso(),
        "blockedInputMessaging": params["blockedInputMessaging"],
        "blockedOutputsMessaging": params["blockedOutputsMessaging"],
        **_guardrail_policies(params),
    }
    if params.get("description") is not None:
        draft["description"] = params["description"]
    if params.get("kmsKeyId"):
        draft["kmsKeyArn"] = _kms_key_arn(backend, params["kmsKeyId"])
    guardrail["draft"] = draft
    body = {
        "guardrailId": draft["guardrailId"],
        "guardrailArn": draft["guardrailArn"],
        "version": "DRAFT",
        "updatedAt": draft["updatedAt"],
    }
    return ok(body, 202)


@patch(BedrockResponse)
def create_guardrail_version(self: BedrockResponse) -> Resp:
    backend: BedrockBackend = self.bedrock_backend
    guardrail = _find_guardrail(backend, _identifier_from_path(self, "/guardrails/"))
    params = json_body(self)
    description = params.get("description")
    if description is not None and not 1 <= len(description) <= 200:
        raise constraint("description", description, "Member must have length between 1 and 200")
    version = str(guardrail["next_version"])
    guardrail["next_version"] += 1
    snapshot = dict(guardrail["draft"])
    snapshot["version"] = version
    snapshot["updatedAt"] = now_iso()
    if description is not None:
        snapshot["description"] = description
    else:
        snapshot.pop("description", None)
    guardrail["versions"][version] = snapshot
    body = {"guardrailId": snapshot["guardrailId"], "version": version}
    return ok(body, 202)


@patch(BedrockResponse)
def delete_guardrail(self: BedrockResponse) -> Resp:
    backend: BedrockBackend = self.bedrock_backend
    guardrail = _find_guardrail(backend, _identifier_from_path(self, "/guardrails/"))
    version = query_param(self, "guardrailVersion")
    if version:
        if not full_match(r"[1-9][0-9]{0,7}", version):
            raise constraint("guardrailVersion", version)
        if version not in guardrail["versions"]:
            raise not_found(f"Guardrail version {version} of {guardrail['draft']['guardrailId']} not found.")
        del guardrail["versions"][version]
    else:
        del backend.guardrails[guardrail["draft"]["guardrailId"]]
        backend.tagger.delete_all_tags_for_resource(guardrail["draft"]["guardrailArn"])
    return ok({}, 202)


@patch(BedrockResponse)
def list_guardrails(self: BedrockResponse) -> Resp:
    backend: BedrockBackend = self.bedrock_backend
    identifier = query_param(self, "guardrailIdentifier")
    if identifier:
        guardrail = _find_guardrail(backend, identifier)
        items = [guardrail["draft"]] + [guardrail["versions"][v] for v in sorted(guardrail["versions"], key=int)]
    else:
        items = [g["draft"] for g in backend.guardrails.values()]
    summary_keys = ("status", "name", "description", "version", "createdAt", "updatedAt", "crossRegionDetails")
    summaries = [
        {"id": g["guardrailId"], "arn": g["guardrailArn"], **{k: g[k] for k in summary_keys if k in g}}
        for g in items
    ]
    max_results = query_param(self, "maxResults")
    page = paginate(summaries, query_param(self, "nextToken"), int(max_results) if max_results else None, default=20)
    if page is None:
        raise validation("The pagination token is invalid.")
    result: dict[str, Any] = {"guardrails": page[0]}
    if page[1]:
        result["nextToken"] = page[1]
    return ok(result)
