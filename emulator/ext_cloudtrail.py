"""AWS CloudTrail extensions for moto 5.2.1.

Makes StartLogging, StopLogging, GetTrailStatus, DeleteTrail (and the other
trail operations moto routes through ``get_trail``) accept a trail ARN as well
as a name; unknown trails raise TrailNotFoundException (moto raised a KeyError
or silently ignored DeleteTrail); calls for a trail from a region other than
its home region raise InvalidHomeRegionException; CreateTrail with an existing
name raises TrailAlreadyExistsException; DeleteTrail removes the trail's tags.

CloudTrail is a JSON 1.1 protocol service; moto dispatches each target to the
snake_case method of ``CloudTrailResponse``. State lives on moto's
per-account, per-region ``CloudTrailBackend``.
"""

from __future__ import annotations

import re
from typing import Any

from moto.cloudtrail.exceptions import TrailNotFoundException
from moto.cloudtrail.models import CloudTrailBackend, Trail, cloudtrail_backends
from moto.cloudtrail.responses import CloudTrailResponse

from ext_common import AwsError, ok, patch

SERVICE = "cloudtrail"
Resp = tuple[str, dict[str, Any]]
TRAIL_ARN = re.compile(r"arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail/(.+)")

_original_create_trail = CloudTrailBackend.create_trail


def resolve_trail(backend: CloudTrailBackend, name_or_arn: Any, home_only: bool) -> Trail:
    """The trail named or identified by ARN; ``home_only`` rejects shadow-region calls."""
    if not isinstance(name_or_arn, str) or not name_or_arn:
        raise AwsError(SERVICE, "InvalidTrailNameException", "Trail name or ARN can only contain valid characters.")
    match = TRAIL_ARN.fullmatch(name_or_arn)
    if match is None:
        trail = backend.trails.get(name_or_arn)
        if trail is not None:
            return trail
        # A multi-region trail is visible by name from every region (shadow trail).
        for other in cloudtrail_backends[backend.account_id].values():
            shadow = other.trails.get(name_or_arn)
            if shadow is not None and shadow.is_multi_region:
                if home_only:
                    raise _wrong_region(shadow)
                return shadow
        raise TrailNotFoundException(account_id=backend.account_id, name=name_or_arn)
    region, account_id, name = match.groups()
    home = cloudtrail_backends[account_id][region] if account_id == backend.account_id else None
    trail = home.trails.get(name) if home is not None else None
    if trail is None or trail.arn != name_or_arn:
        raise TrailNotFoundException(account_id=backend.account_id, name=name_or_arn)
    if region != backend.region_name:
        if home_only or not trail.is_multi_region:
            raise _wrong_region(trail)
    return trail


def _wrong_region(trail: Trail) -> AwsError:
    return AwsError(
        SERVICE,
        "InvalidHomeRegionException",
        f"This operation must be called from the trail's home region ({trail.region_name}).",
    )


@patch(CloudTrailBackend)
def create_trail(self: CloudTrailBackend, name: str, *args: Any, **kwargs: Any) -> Trail:
    if name in self.trails:
        raise AwsError(
            SERVICE,
            "TrailAlreadyExistsException",
            f"Trail {name} already exists for customer: {self.account_id}",
        )
    return _original_create_trail(self, name, *args, **kwargs)


@patch(CloudTrailBackend)
def get_trail(self: CloudTrailBackend, name_or_arn: str) -> Trail:
    return resolve_trail(self, name_or_arn, home_only=False)


@patch(CloudTrailResponse)
def start_logging(self: CloudTrailResponse) -> Resp:
    resolve_trail(self.cloudtrail_backend, self._get_param("Name"), home_only=True).start_logging()
    return ok({})


@patch(CloudTrailResponse)
def stop_logging(self: CloudTrailResponse) -> Resp:
    resolve_trail(self.cloudtrail_backend, self._get_param("Name"), home_only=True).stop_logging()
    return ok({})


@patch(CloudTrailResponse)
def get_trail_status(self: CloudTrailResponse) -> Resp:
    trail = resolve_trail(self.cloudtrail_backend, self._get_param("Name"), home_only=False)
    return ok(trail.status.description())


@patch(CloudTrailResponse)
def delete_trail(self: CloudTrailResponse) -> Resp:
    backend: CloudTrailBackend = self.cloudtrail_backend
    trail = resolve_trail(backend, self._get_param("Name"), home_only=True)
    del backend.trails[trail.trail_name]
    backend.tagging_service.delete_all_tags_for_resource(trail.arn)
    return ok({})


@patch(CloudTrailResponse)
def describe_trails(self: CloudTrailResponse) -> Resp:
    """``trailNameList`` filters by name or ARN (moto ignored it and listed every trail).

    As on AWS: names and ARNs that match no trail are left out (no error); with no list, the
    trails of the current region plus, unless ``includeShadowTrails`` is false, the multi-region
    trails of other regions.
    """
    backend: CloudTrailBackend = self.cloudtrail_backend
    include_shadow = self._get_bool_param("includeShadowTrails", True)
    names = self._get_param("trailNameList") or []
    if not names:
        trails = list(backend.describe_trails(include_shadow))
    else:
        trails = []
        for name in names:
            try:
                trail = resolve_trail(backend, name, home_only=False)
            except (TrailNotFoundException, AwsError):
                continue
            if trail.region_name != backend.region_name and not include_shadow:
                continue
            if trail not in trails:
                trails.append(trail)
    return ok({"trailList": [t.description(include_region=True) for t in trails]})
