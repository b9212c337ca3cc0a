"""Amazon S3 fixes for moto 5.2.1: lifecycle configuration, and conditional writes as the
Terraform S3 backend's native state lock (``use_lockfile``) uses them.

``PutBucketLifecycleConfiguration`` / ``GetBucketLifecycleConfiguration``
answer as S3 does (S3 API reference):

* ``x-amz-transition-default-minimum-object-size``: the request header is
  stored per bucket (``all_storage_classes_128K`` when absent, S3's default)
  and echoed in the Put response and in every Get response. moto ignored the
  request header, answered the Put without it, and always answered
  ``all_storage_classes_128K`` on Get.
* Rule filters keep ``ObjectSizeGreaterThan`` / ``ObjectSizeLessThan``, at the
  top level of ``Filter`` and inside ``Filter.And``. moto dropped them, so a
  size-filtered rule read back as ``Filter {}`` (a rule for every object).
  ``Filter`` holds at most one of ``Prefix``, ``Tag``,
  ``ObjectSizeGreaterThan``, ``ObjectSizeLessThan``, ``And``
  (``MalformedXML`` otherwise; moto counted only three of them).
* ``NoncurrentVersionExpiration.NewerNoncurrentVersions`` is kept (moto
  dropped it).
* A rejected Put leaves the previous configuration in place (moto left the
  rules parsed before the invalid one).

Everything else (rule parsing and validation, ``Filter``/``Prefix`` forms,
``Filter {}`` vs ``Filter {Prefix: ""}``, transitions, expiration,
``AbortIncompleteMultipartUpload``, ``NoSuchLifecycleConfiguration``) is
moto's, re-rendered unchanged.

The Terraform provider (hashicorp/aws 5.100.0) waits after every Put until
ten consecutive Gets (10 s initial delay, then one every 5 s) return the
rules and the minimum-object-size value it wrote, compared with
``reflect.DeepEqual``; any field the emulator drops or invents makes that
wait run into its 3-minute timeout. The wait itself (about 55 s per create or
update) is fixed in the provider and happens on AWS too.

Conditional writes (``PutObject`` with ``If-None-Match`` / ``If-Match``; S3 API
reference of PutObject, https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html,
and the S3 User Guide's "Conditional writes"). Terraform (>= 1.10) takes its
state lock by writing ``<key>.tflock`` with ``If-None-Match: *`` and releases
it with ``DeleteObject``; a second writer must get ``412 PreconditionFailed``
while the lock object exists, and succeed again once it is deleted (in a
versioned bucket, once a delete marker is the current version). moto
evaluates the condition and answers 412; what it lacks:

* atomicity: moto checks the condition and writes the object in two steps,
  so two concurrent ``If-None-Match: *`` writers of one key could both
  succeed (both take the lock). Here the check and the write of a conditional
  PutObject, and every other PutObject and DeleteObject, happen under one
  lock: of concurrent conditional creates exactly one succeeds and the others
  get 412.
* ``If-None-Match`` accepts only ``*``: any other value is answered
  ``501 NotImplemented`` ("A header you provided implies functionality that
  is not implemented", ``Header: If-None-Match``), as S3 does; moto compared
  it with the object's ETag.
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import threading
from typing import Any
from xml.sax.saxutils import escape

from moto.core.responses import ActionResult
from moto.s3.exceptions import InvalidArgumentError, MalformedXML, NoSuchLifecycleConfiguration
from moto.s3.models import FakeBucket, LifecycleRule
from moto.s3.responses import S3Response

from ext_common import patch

HEADER = "x-amz-transition-default-minimum-object-size"
SIZE_VALUES = ("all_storage_classes_128K", "varies_by_storage_class")
DEFAULT_SIZE = "all_storage_classes_128K"
FILTER_MEMBERS = ("Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And")
# moto's LifecycleFilter / LifecycleAndFilter have no fields for these: attribute name -> XML member.
SIZE_FIELDS = (("object_size_greater_than", "ObjectSizeGreaterThan"), ("object_size_less_than", "ObjectSizeLessThan"))


def _number(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise MalformedXML() from None


def _int(value: Any) -> Any:
    """Stored (string) numbers as integers for the serializer; anything else unchanged."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


# --------------------------------------------------------------------------- state (FakeBucket)

_original_set_lifecycle = FakeBucket.set_lifecycle


@patch(FakeBucket, "set_lifecycle")
def set_lifecycle(self: FakeBucket, rules: list[dict[str, Any]]) -> None:
    for rule in rules:
        if not isinstance(rule, dict):
            raise MalformedXML()
        lc_filter = rule.get("Filter")
        if isinstance(lc_filter, dict) and sum(1 for m in FILTER_MEMBERS if m in lc_filter) > 1:
            raise MalformedXML()

    previous = list(getattr(self, "rules", []) or [])
    try:
        _original_set_lifecycle(self, rules)
        # Attach what moto's model has no field for, rule by rule (moto keeps the request order).
        for parsed, raw in zip(self.rules, rules):
            lc_filter = raw.get("Filter")
            if not isinstance(lc_filter, dict):
                lc_filter = {}
            if parsed.filter is not None:
                and_raw = lc_filter.get("And") or {}
                for attr, member in SIZE_FIELDS:
                    setattr(parsed.filter, attr, _number(lc_filter.get(member)))
                    if parsed.filter.and_filter is not None:
                        setattr(parsed.filter.and_filter, attr, _number(and_raw.get(member)))
            nve = raw.get("NoncurrentVersionExpiration") or {}
            parsed.nve_newer_versions = _number(nve.get("NewerNoncurrentVersions"))
    except Exception:
        self.rules = previous
        raise


# --------------------------------------------------------------------------- HTTP (S3Response)


def _render_filter(rule: LifecycleRule) -> dict[str, Any]:
    lc_filter = rule.filter
    out: dict[str, Any] = {}
    if lc_filter is None:
        return out
    if lc_filter.prefix is not None:
        out["Prefix"] = lc_filter.prefix
    if lc_filter.tag_key:
        out["Tag"] = {"Key": lc_filter.tag_key, "Value": lc_filter.tag_value}
    for attr, member in SIZE_FIELDS:
        if getattr(lc_filter, attr, None) is not None:
            out[member] = getattr(lc_filter, attr)
    and_filter = lc_filter.and_filter
    if and_filter is not None:
        and_out: dict[str, Any] = {}
        if and_filter.prefix is not None:
            and_out["Prefix"] = and_filter.prefix
        if and_filter.tags:
            and_out["Tags"] = [{"Key": k, "Value": v} for k, v in and_filter.tags.items()]
        for attr, member in SIZE_FIELDS:
            if getattr(and_filter, attr, None) is not None:
                and_out[member] = getattr(and_filter, attr)
        out["And"] = and_out
    return out


def render_rule(rule: LifecycleRule) -> dict[str, Any]:
    """One rule in the GetBucketLifecycleConfiguration shape (members S3 omits when unset)."""
    out: dict[str, Any] = {"ID": rule.id, "Status": rule.status}
    if rule.filter is not None:
        out["Filter"] = _render_filter(rule)
    elif rule.prefix is not None:
        out["Prefix"] = rule.prefix  # legacy rule-level prefix, returned as given
    else:
        out["Filter"] = {}  # <Filter></Filter>: the rule applies to every object

    if any(v is not None for v in (rule.expiration_days, rule.expiration_date, rule.expired_object_delete_marker)):
        expiration: dict[str, Any] = {}
        if rule.expiration_date is not None:
            expiration["Date"] = rule.expiration_date
        if rule.expiration_days is not None:
            expiration["Days"] = _int(rule.expiration_days)
        if rule.expired_object_delete_marker is not None:
            expiration["ExpiredObjectDeleteMarker"] = str(rule.expired_object_delete_marker).lower() == "true"
        out["Expiration"] = expiration

    if rule.transitions:
        out["Transitions"] = [
            {
                k: v
                for k, v in (("Date", t.date), ("Days", _int(t.days)), ("StorageClass", t.storage_class))
                if v is not None
            }
            for t in rule.transitions
        ]

    if rule.noncurrent_version_transitions:
        out["NoncurrentVersionTransitions"] = [
            {
                k: v
                for k, v in (
                    ("NoncurrentDays", _int(t.days)),
                    ("StorageClass", t.storage_class),
                    ("NewerNoncurrentVersions", _int(t.newer_versions)),
                )
                if v is not None
            }
            for t in rule.noncurrent_version_transitions
        ]

    if rule.nve_noncurrent_days is not None:
        nve: dict[str, Any] = {"NoncurrentDays": _int(rule.nve_noncurrent_days)}
        newer = getattr(rule, "nve_newer_versions", None)
        if newer is not None:
            nve["NewerNoncurrentVersions"] = newer
        out["NoncurrentVersionExpiration"] = nve

    if rule.aimu_days is not None:
        out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": _int(rule.aimu_days)}
    return out


def _stored_size(bucket: FakeBucket) -> str:
    return getattr(bucket, "transition_default_minimum_object_size", None) or DEFAULT_SIZE


@patch(S3Response)
def get_bucket_lifecycle(self: S3Response) -> Any:
    self.data["Action"] = "GetBucketLifecycleConfiguration"
    rules = self.backend.get_bucket_lifecycle(self.bucket_name)
    if not rules:
        raise NoSuchLifecycleConfiguration(bucket_name=self.bucket_name)
    bucket = self.backend.get_bucket(self.bucket_name)
    result = {
        "Rules": [render_rule(rule) for rule in rules],
        "TransitionDefaultMinimumObjectSize": _stored_size(bucket),
    }
    return self.serialized(ActionResult(result))


_original_bucket_response_put = S3Response._bucket_response_put


@patch(S3Response, "_bucket_response_put")
def _bucket_response_put(self: S3Response, request: Any, bucket_name: str, querystring: dict[str, Any]) -> Any:
    if not querystring or "lifecycle" not in querystring:
        return _original_bucket_response_put(self, request, bucket_name, querystring)

    size = request.headers.get(HEADER) or DEFAULT_SIZE
    if size not in SIZE_VALUES:
        raise InvalidArgumentError(
            f"Invalid value for {HEADER}: {size}. Valid values: {', '.join(SIZE_VALUES)}",
            HEADER,
            size,
        )
    # moto: Content-Length check, authorization, XML parsing and validation, storing the rules.
    response = _original_bucket_response_put(self, request, bucket_name, querystring)
    if response != "":
        return response
    self.backend.get_bucket(bucket_name).transition_default_minimum_object_size = size
    return 200, {HEADER: size}, ""


# --------------------------------------------------------------------------- conditional writes

# Serializes object writes so a conditional PutObject checks and writes in one step.
_object_writes = threading.RLock()
NOT_IMPLEMENTED = "A header you provided implies functionality that is not implemented"

_original_put_object = S3Response.put_object
_original_delete_object = S3Response.delete_object


def _not_implemented(header: str) -> tuple[int, dict[str, str], str]:
    """S3's ``501 NotImplemented`` error for a header it does not support in this form."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>NotImplemented</Code><Message>{NOT_IMPLEMENTED}</Message>"
        f"<Header>{escape(header)}</Header><RequestId>emulator</RequestId></Error>"
    )
    return 501, {"Content-Type": "application/xml"}, body


@patch(S3Response, "put_object")
def put_object(self: S3Response) -> Any:
    if_none_match = self.headers.get("If-None-Match")
    if if_none_match is not None and if_none_match.strip() != "*":
        return _not_implemented("If-None-Match")
    with _object_writes:
        return _original_put_object(self)


@patch(S3Response, "delete_object")
def delete_object(self: S3Response) -> Any:
    with _object_writes:
        return _original_delete_object(self)
