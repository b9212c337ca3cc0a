"""Amazon EC2 fixes for moto 5.2.1: VPC interface endpoints and VPC flow logs, and the local
address that stands in for a Bedrock Runtime interface endpoint.

VPC endpoints (``CreateVpcEndpoint``, ``ModifyVpcEndpoint``, ``DeleteVpcEndpoints``), as the EC2
API reference describes them and moto does not:

- the service must exist (``DescribeVpcEndpointServices``; moto lists the AWS services, Bedrock,
  Bedrock Runtime, STS and Logs included) and offer the endpoint type asked for;
- an Interface endpoint gets one requester-managed network interface per subnet, in the subnet's
  CIDR; two subnets in one Availability Zone are ``DuplicateSubnetsInSameZone``; subnets and
  security groups must exist and belong to the endpoint's VPC;
- ``DnsEntries``: the regional name ``<id>-<suffix>.<service>.<region>.vpce.amazonaws.com``, one
  zonal name per subnet's zone, and with private DNS the service's own host name
  (``bedrock-runtime.<region>.amazonaws.com``); private DNS needs the VPC's ``enableDnsSupport``
  and ``enableDnsHostnames`` and no other endpoint of the service with private DNS in the VPC;
- the policy document: JSON with a ``Principal`` in every statement, at most 20,480 characters
  (``InvalidPolicyDocument``); without one the default full-access policy; ``ResetPolicy``;
- ``ModifyVpcEndpoint`` changes ``PrivateDnsEnabled`` (moto ignores it) and the subnets' network
  interfaces; ``DeleteVpcEndpoints`` reports unknown ids as ``Unsuccessful``.

Flow logs (``CreateFlowLogs``): ``cloud-watch-logs`` needs ``DeliverLogsPermissionArn`` and takes
the log group by name or ARN; the delivery status is ``FAILED`` / ``Access error`` when the group
is missing, the role does not exist, its trust policy does not let ``vpc-flow-logs.amazonaws.com``
assume it or its policies do not allow ``logs:CreateLogStream`` and ``logs:PutLogEvents`` on the
group's streams. ``s3`` takes ``arn:aws:s3:::bucket[/prefix/]`` and refuses a role.

The endpoint listener: once ``enable_listeners(host)`` has run (``server.py`` does), every
available Interface endpoint for ``com.amazonaws.<region>.bedrock-runtime`` gets its own Bedrock
Runtime listener (``ext_bedrock_runtime.start_listener``), stopped when the endpoint is deleted and
on reset. Calls arriving there carry ``aws:SourceVpce`` = the endpoint id and are authorized with
the endpoint's policy too; control-plane reads (Amazon Bedrock's host on AWS) go through the VPC's
``bedrock`` endpoint when it has one with private DNS, else to the public endpoint. Each call
through an endpoint writes flow-log records (one ACCEPT record per direction) to the flow logs of
the endpoint's VPC, subnet or network interface. ``GET /_emulator/vpc-endpoints`` lists the
listeners. See README.md ("Amazon EC2: VPC endpoints and flow logs").

An existing network (``POST /_emulator/ec2/network``): a deployment that brings its own VPC (the
config's ``network.vpcId`` and ``network.subnetIds``) needs that VPC and those subnets in the
account before Terraform runs, with exactly those ids, as they would be in a real account. The
route creates whatever is missing: the VPC (DNS support and DNS host names on, as private DNS on
interface endpoints requires) and one subnet per id, each in its own Availability Zone, with
consecutive CIDR blocks of the VPC's range. Ids that exist are kept (a subnet of another VPC is
refused). See README.md ("Seeding an existing network").
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import json
import math
import re
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moto.ec2.exceptions import EC2ClientError, InvalidSecurityGroupNotFoundError
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ec2 import utils as ec2_utils
from moto.ec2.exceptions import InvalidSubnetIdError
from moto.ec2.models import ec2_backends
from moto.ec2.models import subnets as moto_subnets
from moto.ec2.models import vpcs as moto_vpcs
from moto.ec2.models.flow_logs import FlowLogsBackend
from moto.ec2.models.vpcs import VPCBackend, VPCEndPoint
from moto.ec2.responses.vpcs import VPCs
from moto.core.responses import ActionResult

import control
import ext_bedrock_runtime
import principals
from ext_common import patch
from ext_lambda import source_conditions_hold
from ext_sts import trust_allows

RUNTIME_SERVICE = "bedrock-runtime"
POLICY_LIMIT = 20480
FLOW_LOGS_SERVICE = "vpc-flow-logs.amazonaws.com"
DEFAULT_LOG_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
)


def _error(code: str, message: str) -> EC2ClientError:
    return EC2ClientError(code, message)


def _service_short(service_name: str, region: str) -> str:
    prefix = f"com.amazonaws.{region}."
    return service_name[len(prefix) :] if service_name.startswith(prefix) else service_name


def _zone_id(*parts: str) -> str:
    """A stable Route 53-like hosted zone id (``Z`` + 13 characters): not AWS's real ids."""
    return "Z" + hashlib.sha256("/".join(parts).encode()).hexdigest()[:13].upper()


# --------------------------------------------------------------------------- validation


def validate_policy(document: str) -> dict[str, Any]:
    """The endpoint policy as a dict, or ``InvalidPolicyDocument`` as EC2 words it."""
    if len(document) > POLICY_LIMIT:
        raise _error(
            "InvalidPolicyDocument", f"The Policy Document exceeds the maximum length of {POLICY_LIMIT} characters."
        )
    try:
        parsed = json.loads(document)
    except ValueError as err:
        position = f" at position ({getattr(err, 'lineno', 1)},{getattr(err, 'colno', 1)})"
        raise _error("InvalidPolicyDocument", f"The Policy Document is not valid. Syntax error{position}") from None
    statements = parsed.get("Statement") if isinstance(parsed, dict) else None
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list) or not statements or not all(isinstance(s, dict) for s in statements):
        raise _error("InvalidPolicyDocument", "The Policy Document is not valid. It must contain a Statement.")
    for index, statement in enumerate(statements):
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise _error(
                "InvalidPolicyDocument",
                f"The Policy Document is not valid. Statement {index} has no Principal: an endpoint policy "
                "must contain a Principal element.",
            )
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise _error("InvalidPolicyDocument", f"The Policy Document is not valid. Statement {index} has no Effect.")
    return parsed


def _service_types(backend: Any, region: str, service_name: str) -> list[str]:
    """Endpoint types the service offers; moto's ``InvalidServiceName`` when it does not exist."""
    details = backend.describe_vpc_endpoint_services([service_name], [], None, None, region)["servicesDetails"]
    return [t["ServiceType"] for d in details for t in d["ServiceType"]]


def _subnets(backend: Any, vpc_id: str, subnet_ids: list[str], others: list[Any] | None = None) -> list[Any]:
    """The subnets (moto's), checked: same VPC, one per Availability Zone (with ``others``)."""
    subnets = [backend.get_subnet(s) for s in subnet_ids]
    seen = {s.availability_zone: s.id for s in others or []}
    for subnet in subnets:
        if subnet.vpc_id != vpc_id:
            raise _error("InvalidParameter", f"The subnet ID '{subnet.id}' does not belong to the VPC '{vpc_id}'.")
        if subnet.availability_zone in seen:
            raise _error(
                "DuplicateSubnetsInSameZone",
                f"Found another VPC endpoint subnet in the availability zone of {subnet.id}. VPC endpoint subnets "
                "should be in different availability zones supported by the VPC endpoint service.",
            )
        seen[subnet.availability_zone] = subnet.id
    return subnets


def _check_security_groups(backend: Any, vpc_id: str, group_ids: list[str]) -> None:
    for group_id in group_ids:
        group = backend.get_security_group_from_id(group_id)
        if group is None:
            raise InvalidSecurityGroupNotFoundError(group_id)
        if group.vpc_id != vpc_id:
            raise _error(
                "InvalidParameter",
                f"The security group '{group_id}' does not belong to the VPC '{vpc_id}' of the endpoint.",
            )


def _check_private_dns(backend: Any, endpoint_vpc: str, service_name: str, exclude: str | None) -> None:
    vpc = backend.get_vpc(endpoint_vpc)
    if not (vpc.enable_dns_support and vpc.enable_dns_hostnames):
        raise _error(
            "InvalidParameter",
            "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true "
            f"for {endpoint_vpc}",
        )
    host = _private_host(service_name, backend.region_name)
    for other in backend.vpc_end_points.values():
        if (
            other.id != exclude
            and other.vpc_id == endpoint_vpc
            and other.service_name == service_name
            and other.private_dns_enabled
            and other.state != "deleted"
        ):
            raise _error(
                "InvalidParameter",
                f"private-dns-enabled cannot be set because there is already a conflicting DNS domain for {host} "
                f"in the VPC {endpoint_vpc}",
            )


def _private_host(service_name: str, region: str) -> str:
    return f"{_service_short(service_name, region)}.{region}.amazonaws.com"


# --------------------------------------------------------------------------- endpoints


def _is_interface(endpoint: Any) -> bool:
    return (endpoint.vpc_endpoint_type or "").lower() == "interface"


def _dns_entries(backend: Any, endpoint: Any) -> list[dict[str, str]]:
    """Regional name, one per subnet's zone, and the service's host name with private DNS."""
    region = backend.region_name
    short = _service_short(endpoint.service_name, region)
    token = getattr(endpoint, "_ccb_dns_token", None) or uuid.uuid4().hex[:8]
    endpoint._ccb_dns_token = token
    base = f"{short}.{region}.vpce.amazonaws.com"
    regional_zone = _zone_id("vpce", region)
    entries = [{"dns_name": f"{endpoint.id}-{token}.{base}", "hosted_zone_id": regional_zone}]
    zones = sorted({backend.get_subnet(s).availability_zone for s in endpoint.subnet_ids or []})
    entries += [{"dns_name": f"{endpoint.id}-{token}-{zone}.{base}", "hosted_zone_id": regional_zone} for zone in zones]
    if endpoint.private_dns_enabled:
        host = _private_host(endpoint.service_name, region)
        entries.append({"dns_name": host, "hosted_zone_id": _zone_id("private", endpoint.id, host)})
    return entries


def _add_interfaces(backend: Any, endpoint: Any, subnets: list[Any]) -> None:
    for subnet in subnets:
        eni = backend.create_network_interface(
            subnet,
            None,  # moto picks an address in the subnet's CIDR
            group_ids=list(endpoint.security_group_ids),
            description=f"VPC Endpoint Interface {endpoint.id}",
        )
        eni.requester_managed = True
        eni.interface_type = "vpc_endpoint"
        endpoint.network_interface_ids.append(eni.id)


def _remove_interfaces(backend: Any, endpoint: Any, subnet_ids: list[str]) -> None:
    for eni_id in list(endpoint.network_interface_ids):
        eni = backend.enis.get(eni_id)
        if eni is None or eni.subnet.id in subnet_ids:
            backend.enis.pop(eni_id, None)
            endpoint.network_interface_ids.remove(eni_id)


_original_create = VPCBackend.create_vpc_endpoint


@patch(VPCBackend)
def create_vpc_endpoint(
    self: Any,
    vpc_id: str,
    service_name: str,
    endpoint_type: str | None,
    policy_document: str | None,
    route_table_ids: list[str],
    subnet_ids: list[str] | None = None,
    network_interface_ids: list[str] | None = None,
    dns_entries: dict[str, str] | None = None,
    client_token: str | None = None,
    security_group_ids: list[str] | None = None,
    tags: dict[str, str] | None = None,
    private_dns_enabled: bool | None = None,
) -> VPCEndPoint:
    if client_token:  # idempotent retries (the Terraform provider always sends a token)
        for existing in self.vpc_end_points.values():
            if existing.client_token == client_token and existing.state != "deleted":
                return existing
    self.get_vpc(vpc_id)
    region = self.region_name
    kind = endpoint_type or "Gateway"
    types = _service_types(self, region, service_name)
    if kind.lower() not in [t.lower() for t in types]:
        raise _error(
            "InvalidParameter", f"Endpoint type ({kind}) does not match available service types ([{', '.join(types)}])."
        )
    if policy_document is not None:
        validate_policy(policy_document)
    interface = kind.lower() == "interface"
    subnets = _subnets(self, vpc_id, subnet_ids or []) if interface else []
    _check_security_groups(self, vpc_id, security_group_ids or [])
    private_dns = bool(private_dns_enabled) and interface
    if private_dns:
        _check_private_dns(self, vpc_id, service_name, None)
    endpoint = _original_create(
        self,
        vpc_id=vpc_id,
        service_name=service_name,
        endpoint_type=kind,
        policy_document=policy_document,
        route_table_ids=route_table_ids,
        subnet_ids=[],  # network interfaces are made below, in each subnet's CIDR
        client_token=client_token,
        security_group_ids=security_group_ids,
        tags=tags,
        private_dns_enabled=private_dns,
    )
    if interface:
        endpoint.subnet_ids = [s.id for s in subnets]
        endpoint.network_interface_ids = []
        _add_interfaces(self, endpoint, subnets)
        endpoint.ip_address_type = "ipv4"
        endpoint.dns_options = {"dns_record_ip_type": "ipv4"}
        endpoint.dns_entries = _dns_entries(self, endpoint)
        endpoint.requester_managed = False
    _sync_listener(self, endpoint)
    return endpoint


def _modify(self: Any, params: dict[str, Any]) -> None:
    endpoint = self.get_vpc_end_point(params["VpcEndpointId"])
    if endpoint.state == "deleted":
        raise _error("InvalidVpcEndpointId.NotFound", f"The VpcEndPoint ID '{endpoint.id}' does not exist")
    # Everything is checked before anything changes: a refused request changes nothing.
    if params.get("PolicyDocument") is not None:
        validate_policy(params["PolicyDocument"])
    _check_security_groups(self, endpoint.vpc_id, params["AddSecurityGroupIds"])
    removed = params["RemoveSubnetIds"]
    kept = [self.get_subnet(s) for s in (endpoint.subnet_ids or []) if s not in removed]
    added = _subnets(self, endpoint.vpc_id, [s for s in params["AddSubnetIds"] if s not in endpoint.subnet_ids], kept)
    private_dns = params.get("PrivateDnsEnabled") if _is_interface(endpoint) else None
    if private_dns and not endpoint.private_dns_enabled:
        _check_private_dns(self, endpoint.vpc_id, endpoint.service_name, endpoint.id)
    if params.get("PolicyDocument") is not None:
        endpoint.policy_document = params["PolicyDocument"]
    if params.get("ResetPolicy"):
        endpoint.policy_document = json.dumps(VPCEndPoint.DEFAULT_POLICY)
    if private_dns is not None:
        endpoint.private_dns_enabled = private_dns
    endpoint.modify(
        None,
        None,
        None,
        params["AddRouteTableIds"],
        params["RemoveRouteTableIds"],
        params["AddSecurityGroupIds"],
        params["RemoveSecurityGroupIds"],
    )
    if _is_interface(endpoint):
        _remove_interfaces(self, endpoint, removed)
        endpoint.subnet_ids = [s.id for s in kept] + [s.id for s in added]
        _add_interfaces(self, endpoint, added)
        endpoint.dns_entries = _dns_entries(self, endpoint)


@patch(VPCs)
def modify_vpc_endpoint(self: VPCs) -> ActionResult:
    params = {
        "VpcEndpointId": self._get_param("VpcEndpointId"),
        "PolicyDocument": self._get_param("PolicyDocument"),
        "ResetPolicy": self._get_bool_param("ResetPolicy", False),
        "PrivateDnsEnabled": self._get_bool_param("PrivateDnsEnabled"),
    }
    for name in ("AddSubnetIds", "RemoveSubnetIds", "AddRouteTableIds", "RemoveRouteTableIds"):
        params[name] = self._get_param(name, [])
    params["AddSecurityGroupIds"] = self._get_param("AddSecurityGroupIds", [])
    params["RemoveSecurityGroupIds"] = self._get_param("RemoveSecurityGroupIds", [])
    _modify(self.ec2_backend, params)
    return ActionResult({"Return": True})


_original_delete = VPCBackend.delete_vpc_endpoints


@patch(VPCs)
def delete_vpc_endpoints(self: VPCs) -> ActionResult:
    backend = self.ec2_backend
    unsuccessful = []
    found = []
    for vpce_id in self._get_param("VpcEndpointIds", []):
        endpoint = backend.vpc_end_points.get(vpce_id)
        if endpoint is None or endpoint.state == "deleted":
            unsuccessful.append(
                {
                    "Error": {
                        "Code": "InvalidVpcEndpoint.NotFound",
                        "Message": f"The VPC endpoint ID '{vpce_id}' does not exist",
                    },
                    "ResourceId": vpce_id,
                }
            )
        else:
            found.append(endpoint)
    _original_delete(backend, [e.id for e in found])
    for endpoint in found:
        _sync_listener(backend, endpoint)
    return ActionResult({"Unsuccessful": unsuccessful})


# --------------------------------------------------------------------------- flow logs

_original_create_flow_logs = FlowLogsBackend.create_flow_logs


def _log_group_of(destination: str | None) -> str | None:
    match = re.fullmatch(r"arn:[^:]+:logs:[^:]*:\d{12}:log-group:([^:]+)(?::\*)?", destination or "")
    return match.group(1) if match else None


def _flow_log_role_allows(backend: Any, flow_log: Any) -> bool:
    """Whether vpc-flow-logs.amazonaws.com may assume the flow log's role and write its group's streams."""
    from moto.iam.models import iam_backends

    account_id, partition, region = backend.account_id, backend.partition, backend.region_name
    group = flow_log.log_group_name
    iam = iam_backends[account_id][partition]
    role = next((r for r in iam.roles.values() if r.arn == flow_log.deliver_logs_permission_arn), None)
    if role is None:
        return False
    trust_context = {
        "aws:sourceaccount": account_id,
        "aws:sourcearn": f"arn:{partition}:ec2:{region}:{account_id}:vpc-flow-log/{flow_log.id}",
    }
    trusted = trust_allows(
        role, "Service", FLOW_LOGS_SERVICE, ["sts:AssumeRole"], trust_context, holds=source_conditions_hold
    )
    if not trusted:
        return False
    session = principals.Principal(
        kind="session",
        arn=f"arn:{partition}:sts::{account_id}:assumed-role/{role.name}/{FLOW_LOGS_SERVICE}",
        account_id=account_id,
        partition=partition,
        userid=f"{role.id}:{FLOW_LOGS_SERVICE}",
        role=role,
        role_arn=role.arn,
    )
    stream = f"arn:{partition}:logs:{region}:{account_id}:log-group:{group}:log-stream:*"
    base = {
        "principalArn": session.arn,
        "resourceArn": stream,
        "identityPolicies": principals.identity_policies(session),
        "permissionBoundaries": principals.permission_boundaries(session),
        "context": {"aws:RequestedRegion": region},
    }
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    results = principals.evaluate([{**base, "action": action} for action in actions])
    return all(r.get("decision") == "Allowed" for r in results)


@patch(FlowLogsBackend)
def create_flow_logs(
    self: Any,
    resource_type: str,
    resource_ids: list[str],
    traffic_type: str,
    deliver_logs_permission_arn: str,
    log_destination_type: str,
    log_destination: str,
    log_group_name: str,
    log_format: str,
    max_aggregation_interval: int,
) -> tuple[list[Any], list[Any]]:
    destination_type = log_destination_type or "cloud-watch-logs"
    if destination_type == "s3":
        if deliver_logs_permission_arn:
            raise _error(
                "InvalidParameter", "DeliverLogsPermissionArn is not applicable for LogDestinationType s3."
            )
        bucket = re.fullmatch(r"arn:[^:]+:s3:::([^/]+)(/.*)?", log_destination or "")
        if bucket is None:
            raise _error("InvalidParameter", f"LogDestination: {log_destination} is not a valid S3 bucket ARN.")
        if (bucket.group(2) or "").split("/")[1:2] == ["AWSLogs"]:
            raise _error("InvalidParameter", "LogDestination: the subfolder name AWSLogs is reserved.")
    elif destination_type == "cloud-watch-logs":
        if log_destination and log_group_name:
            raise _error("InvalidParameter", "Please only provide LogGroupName or only provide LogDestination.")
        if log_destination:
            log_group_name = _log_group_of(log_destination) or ""
            if not log_group_name:
                raise _error("InvalidParameter", f"LogDestination: {log_destination} is not a log group ARN.")
    s3_destination = log_destination
    if destination_type == "s3" and log_destination:
        # moto looks the bucket up by everything after "arn:aws:s3:::"; a prefix is allowed
        s3_destination = log_destination.split("/", 1)[0]
    flow_logs, errors = _original_create_flow_logs(
        self,
        resource_type,
        resource_ids,
        traffic_type,
        deliver_logs_permission_arn,
        destination_type,
        s3_destination,
        log_group_name,
        log_format,
        max_aggregation_interval,
    )
    for flow_log in flow_logs:
        flow_log.log_destination = log_destination or flow_log.log_destination
        if destination_type == "cloud-watch-logs" and flow_log.deliver_logs_status == "SUCCESS":
            _check_delivery_role(self, flow_log)
    return flow_logs, errors


def _check_delivery_role(backend: Any, flow_log: Any) -> bool:
    """Marks the flow log FAILED / ``Access error`` when its role cannot deliver; True when it can."""
    ok = _flow_log_role_allows(backend, flow_log)
    if not ok:
        flow_log.deliver_logs_status = "FAILED"
        flow_log.deliver_logs_error_message = "Access error"
    return ok


# --------------------------------------------------------------------------- flow log records


@dataclass(frozen=True)
class Flow:
    """One call through an endpoint, as its flow-log records describe it."""

    peer: tuple[str, int]  # the caller's address and port
    bytes_in: int
    bytes_out: int
    start: datetime
    end: datetime


def _field_values(backend: Any, endpoint: Any, eni: Any, flow: Flow, inbound: bool) -> dict[str, str]:
    client, port = flow.peer[0], str(flow.peer[1])
    here = eni.private_ip_address or "-"
    src, dst = (client, here) if inbound else (here, client)
    src_port, dst_port = (port, "443") if inbound else ("443", port)
    size = flow.bytes_in if inbound else flow.bytes_out
    start, end = int(flow.start.timestamp()), int(flow.end.timestamp())
    return {
        "version": "2",
        "account-id": backend.account_id,
        "interface-id": eni.id,
        "srcaddr": src,
        "dstaddr": dst,
        "srcport": src_port,
        "dstport": dst_port,
        "protocol": "6",
        "packets": str(max(1, math.ceil(size / 1460))),
        "bytes": str(size),
        "start": str(start),
        "end": str(max(end, start)),
        "action": "ACCEPT",
        "log-status": "OK",
        "vpc-id": endpoint.vpc_id,
        "subnet-id": eni.subnet.id,
        "az-id": eni.subnet.availability_zone_id or "-",
        "region": backend.region_name,
        "flow-direction": "ingress" if inbound else "egress",
        "pkt-srcaddr": src,
        "pkt-dstaddr": dst,
        "type": "IPv4",
    }


def _record(log_format: str, values: dict[str, str]) -> str:
    return re.sub(r"\$\{([a-z0-9-]+)\}", lambda m: values.get(m.group(1), "-"), log_format)


def _header(log_format: str) -> str:
    return " ".join(re.findall(r"\$\{([a-z0-9-]+)\}", log_format))


def _deliver(backend: Any, flow_log: Any, eni: Any, lines: list[str], at: datetime) -> None:
    if flow_log.log_destination_type == "s3":
        from moto.s3.models import s3_backends

        match = re.fullmatch(r"arn:[^:]+:s3:::([^/]+)(?:/(.*))?", flow_log.log_destination or "")
        if match is None:
            return
        bucket, prefix = match.group(1), (match.group(2) or "").strip("/")
        owner = s3_backends.bucket_accounts.get(bucket)
        if owner is None:
            raise LookupError(f"bucket {bucket} does not exist")
        partition, bucket_account = owner
        account, region = backend.account_id, backend.region_name
        name = (
            f"{account}_vpcflowlogs_{region}_{flow_log.id}_{at:%Y%m%dT%H%M}Z_{uuid.uuid4().hex[:8]}.log.gz"
        )
        key = f"AWSLogs/{account}/vpcflowlogs/{region}/{at:%Y/%m/%d}/{name}"
        key = f"{prefix}/{key}" if prefix else key
        body = "\n".join([_header(flow_log.log_format), *lines]) + "\n"
        s3_backends[bucket_account][partition].put_object(bucket, key, gzip.compress(body.encode(), mtime=0))
        return
    from moto.logs.models import logs_backends

    if not _check_delivery_role(backend, flow_log):
        return
    logs = logs_backends[backend.account_id][backend.region_name]
    group = logs.groups.get(flow_log.log_group_name)
    if group is None:
        flow_log.deliver_logs_status = "FAILED"
        flow_log.deliver_logs_error_message = "Access error"
        return
    if eni.id not in group.streams:
        logs.create_log_stream(flow_log.log_group_name, eni.id)
    millis = int(at.timestamp() * 1000)
    logs.put_log_events(flow_log.log_group_name, eni.id, [{"timestamp": millis, "message": line} for line in lines])


def record_flow(account_id: str, region: str, vpce_id: str, flow: Flow) -> int:
    """Writes the ACCEPT records of one call through the endpoint (in and out) to every flow log of
    its VPC, subnet or network interface; returns how many flow logs got them."""
    backend = ec2_backends[account_id][region]
    endpoint = backend.vpc_end_points.get(vpce_id)
    if endpoint is None or not endpoint.network_interface_ids:
        return 0
    eni = backend.enis.get(endpoint.network_interface_ids[0])
    if eni is None:
        return 0
    delivered = 0
    for flow_log in list(backend.flow_logs.values()):
        if flow_log.resource_id not in (endpoint.vpc_id, eni.subnet.id, eni.id):
            continue
        if flow_log.traffic_type not in ("ALL", "ACCEPT") or flow_log.deliver_logs_status != "SUCCESS":
            continue
        log_format = flow_log.log_format or DEFAULT_LOG_FORMAT
        lines = [_record(log_format, _field_values(backend, endpoint, eni, flow, inbound)) for inbound in (True, False)]
        try:
            _deliver(backend, flow_log, eni, lines, flow.end)
            delivered += 1
        except Exception as err:  # AWS drops what it cannot deliver
            print(f"ec2: flow log {flow_log.id} delivery failed: {err!r}", file=sys.stderr, flush=True)
    return delivered


# --------------------------------------------------------------------------- endpoint listeners


@dataclass
class _Served:
    account_id: str
    region: str
    vpce_id: str
    listener: Any  # ext_bedrock_runtime.Listener


_listeners: dict[str, _Served] = {}
_config: dict[str, str | None] = {"host": None}
_lock = threading.Lock()


def enable_listeners(host: str) -> None:
    """From now on, Bedrock Runtime interface endpoints get a listener on ``host`` (server.py)."""
    _config["host"] = host


def stop_listeners() -> None:
    with _lock:
        served = list(_listeners.values())
        _listeners.clear()
    for entry in served:
        entry.listener.stop()


def _policy(endpoint: Any) -> dict[str, Any]:
    try:
        return json.loads(endpoint.policy_document)
    except ValueError:
        return VPCEndPoint.DEFAULT_POLICY


def _network(account_id: str, region: str, vpce_id: str) -> ext_bedrock_runtime.Network:
    """The VPC endpoint each call on the listener of ``vpce_id`` goes through, per AWS service."""

    def resolve(service: str) -> ext_bedrock_runtime.EndpointRoute | None:
        backend = ec2_backends[account_id][region]
        endpoint = backend.vpc_end_points.get(vpce_id)
        if endpoint is None or endpoint.state != "available":
            return None
        if service == RUNTIME_SERVICE:
            return ext_bedrock_runtime.EndpointRoute(endpoint.id, _policy(endpoint))
        # Another service's host name resolves to its endpoint in the VPC only with private DNS.
        wanted = f"com.amazonaws.{region}.{service}"
        for other in backend.vpc_end_points.values():
            if (
                other.vpc_id == endpoint.vpc_id
                and other.service_name == wanted
                and other.state == "available"
                and other.private_dns_enabled
                and _is_interface(other)
            ):
                return ext_bedrock_runtime.EndpointRoute(other.id, _policy(other))
        return None

    return resolve


def _observer(account_id: str, region: str) -> ext_bedrock_runtime.OnServed:
    def observe(req: Any, _status: int, bytes_in: int, bytes_out: int, peer: tuple[str, int]) -> None:
        via = req.endpoint_route()
        if via is None:
            return
        end = ext_bedrock_runtime.now()
        elapsed = req.elapsed_ms() / 1000
        start = datetime.fromtimestamp(end.timestamp() - elapsed, tz=end.tzinfo)
        record_flow(account_id, region, via.vpce_id, Flow(peer, bytes_in, bytes_out, start, end))

    return observe


def _sync_listener(backend: Any, endpoint: Any) -> None:
    """Starts or stops the endpoint's listener to match its state."""
    region = backend.region_name
    wanted = (
        _config["host"] is not None
        and _is_interface(endpoint)
        and endpoint.service_name == f"com.amazonaws.{region}.{RUNTIME_SERVICE}"
        and endpoint.state == "available"
    )
    with _lock:
        running = _listeners.get(endpoint.id)
        if wanted and running is None:
            listener = ext_bedrock_runtime.start_listener(
                str(_config["host"]),
                0,
                region=region,
                network=_network(backend.account_id, region, endpoint.id),
                on_served=_observer(backend.account_id, region),
            )
            _listeners[endpoint.id] = _Served(backend.account_id, region, endpoint.id, listener)
            return
        if not wanted and running is not None:
            del _listeners[endpoint.id]
        else:
            return
    running.listener.stop()


def listed() -> list[dict[str, str]]:
    """The running endpoint listeners, oldest first."""
    with _lock:
        served = list(_listeners.values())
    out = []
    for entry in served:
        endpoint = ec2_backends[entry.account_id][entry.region].vpc_end_points.get(entry.vpce_id)
        out.append(
            {
                "vpcEndpointId": entry.vpce_id,
                "serviceName": endpoint.service_name if endpoint else f"com.amazonaws.{entry.region}.{RUNTIME_SERVICE}",
                "vpcId": endpoint.vpc_id if endpoint else "",
                "accountId": entry.account_id,
                "region": entry.region,
                "endpoint": entry.listener.endpoint,
            }
        )
    return out


@control.route("GET", "vpc-endpoints")
def _vpc_endpoints(query: dict[str, str], body: Any) -> tuple[int, Any]:
    return 200, listed()


control.on_reset(stop_listeners)


# --------------------------------------------------------------------------- an existing network

VPC_ID = re.compile(r"vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?")
SUBNET_ID = re.compile(r"subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?")
DEFAULT_NETWORK_CIDR = "10.0.0.0/16"
# Subnets get /24 blocks, or smaller ones when the VPC's range needs it (EC2 allows /16 to /28).
SUBNET_PREFIX = 24
MAX_PREFIX = 28

# The id the next VPC or subnet this thread creates gets (moto draws random ones).
_chosen_ids = threading.local()


def _chosen_or_random(kind: str, draw: Any) -> Any:
    def next_id() -> str:
        chosen = getattr(_chosen_ids, kind, None)
        setattr(_chosen_ids, kind, None)
        return chosen or draw()

    return next_id


@contextmanager
def _with_id(kind: str, resource_id: str) -> Iterator[None]:
    """Within the block, the next ``kind`` (vpc, subnet) this thread creates gets ``resource_id``."""
    setattr(_chosen_ids, kind, resource_id)
    try:
        yield
    finally:
        setattr(_chosen_ids, kind, None)


# moto's VPC and subnet models call the id functions they imported from moto.ec2.utils.
setattr(moto_vpcs, "random_vpc_id", _chosen_or_random("vpc", ec2_utils.random_vpc_id))
setattr(moto_subnets, "random_subnet_id", _chosen_or_random("subnet", ec2_utils.random_subnet_id))


def _network_request(body: Any) -> tuple[str, list[str], ipaddress.IPv4Network, str, str]:
    """(vpc id, subnet ids, VPC CIDR, account, region) of a seed request; every problem at once."""
    if not isinstance(body, dict):
        raise control.ControlError("the body must be a JSON object")
    problems = []
    vpc_id = body.get("vpcId")
    if not isinstance(vpc_id, str) or not VPC_ID.fullmatch(vpc_id):
        problems.append(f"vpcId must be vpc- and 8 or 17 hex digits, got {vpc_id!r}")
    subnet_ids = body.get("subnetIds")
    if not isinstance(subnet_ids, list) or not subnet_ids:
        problems.append(f"subnetIds must be a non-empty list, got {subnet_ids!r}")
        subnet_ids = []
    for subnet_id in subnet_ids:
        if not isinstance(subnet_id, str) or not SUBNET_ID.fullmatch(subnet_id):
            problems.append(f"subnetIds: {subnet_id!r} is not subnet- and 8 or 17 hex digits")
    if len(set(map(str, subnet_ids))) != len(subnet_ids):
        problems.append("subnetIds must not repeat an id")
    cidr = body.get("cidr", DEFAULT_NETWORK_CIDR)
    try:
        network = ipaddress.IPv4Network(str(cidr))
        if not 16 <= network.prefixlen <= MAX_PREFIX:
            problems.append(f"cidr must be a /16 to /{MAX_PREFIX} block, got {cidr}")
    except ValueError:
        problems.append(f"cidr must be an IPv4 network like {DEFAULT_NETWORK_CIDR}, got {cidr!r}")
        network = ipaddress.IPv4Network(DEFAULT_NETWORK_CIDR)
    account = body.get("accountId", DEFAULT_ACCOUNT_ID)
    region = body.get("region", "us-east-1")
    if not isinstance(account, str) or not re.fullmatch(r"\d{12}", account):
        problems.append(f"accountId must be 12 digits, got {account!r}")
    if region not in ec2_backends[DEFAULT_ACCOUNT_ID].regions:
        problems.append(f"region {region!r} is not an EC2 region")
    if problems:
        raise control.ControlError("; ".join(problems))
    return str(vpc_id), [str(s) for s in subnet_ids], network, str(account), str(region)


def _existing_subnet(backend: Any, subnet_id: str) -> Any:
    try:
        return backend.get_subnet(subnet_id)
    except InvalidSubnetIdError:
        return None


def seed_network(body: Any) -> dict[str, Any]:
    """Creates the missing parts of an existing network (see the module docstring); its description.
    Everything is checked before anything is created."""
    vpc_id, subnet_ids, cidr, account, region = _network_request(body)
    backend = ec2_backends[account][region]
    vpc = backend.vpcs.get(vpc_id)
    vpc_range = ipaddress.IPv4Network(vpc.cidr_block) if vpc is not None else cidr
    existing = {s: _existing_subnet(backend, s) for s in subnet_ids}
    foreign = [s for s, subnet in existing.items() if subnet is not None and subnet.vpc_id != vpc_id]
    if foreign:
        raise control.ControlError(f"subnet {', '.join(foreign)} exists in another VPC than {vpc_id}", 409)
    in_vpc = [s for s in backend.describe_subnets() if s.vpc_id == vpc_id]
    taken_zones = {s.availability_zone for s in in_vpc}
    free_zones = [z.name for z in backend.describe_availability_zones() if z.name not in taken_zones]
    missing = [s for s, subnet in existing.items() if subnet is None]
    if len(missing) > len(free_zones):
        raise control.ControlError(
            f"{region} has {len(free_zones)} Availability Zone(s) without a subnet of {vpc_id}; "
            f"{len(missing)} new subnet(s) asked for"
        )
    count = len(in_vpc) + len(missing)
    prefix = min(MAX_PREFIX, max(SUBNET_PREFIX, vpc_range.prefixlen + math.ceil(math.log2(max(count, 1)))))
    used = [ipaddress.IPv4Network(s.cidr_block) for s in in_vpc]
    free_blocks = [b for b in vpc_range.subnets(new_prefix=prefix) if not any(b.overlaps(u) for u in used)]
    if len(missing) > len(free_blocks):
        raise control.ControlError(f"{vpc_id} ({vpc_range}) has no room for {len(missing)} more subnet(s)")

    created_vpc = vpc is None
    if vpc is None:
        with _with_id("vpc", vpc_id):
            vpc = backend.create_vpc(str(cidr))
    vpc.enable_dns_support = True
    vpc.enable_dns_hostnames = True
    for subnet_id, zone, block in zip(missing, free_zones, free_blocks):
        with _with_id("subnet", subnet_id):
            backend.create_subnet(vpc_id, str(block), availability_zone=zone)
    return {
        "vpcId": vpc_id,
        "cidr": vpc.cidr_block,
        "accountId": account,
        "region": region,
        "created": created_vpc,
        "subnets": [
            {
                "subnetId": s.id,
                "cidr": s.cidr_block,
                "availabilityZone": s.availability_zone,
                "created": s.id in missing,
            }
            for s in (backend.get_subnet(i) for i in subnet_ids)
        ],
    }


@control.route("POST", "ec2/network")
def _seed_network(query: dict[str, str], body: Any) -> tuple[int, Any]:
    return 200, seed_network(body)
