"""Tests of ext_ec2.py: VPC interface endpoints and flow logs as the EC2 API reference describes
them, the Bedrock Runtime listener that stands in for an interface endpoint (aws:SourceVpce,
the endpoint policy, flow-log records of the calls through it), and the seeding of an existing
network (``POST /_emulator/ec2/network``).

Run: python3 -m unittest test_ec2 (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import urllib.error
import urllib.request
from typing import Any

from testing_support import (
    ACCOUNT,
    REGION,
    VPCE_PLACEHOLDER,
    EmulatorTestCase,
    RuntimeTestCase,
    anthropic_body,
    client,
    control,
    policies,
    reset,
    session,
    user_creds,
)

RUNTIME = f"com.amazonaws.{REGION}.bedrock-runtime"
CONTROL_PLANE = f"com.amazonaws.{REGION}.bedrock"
INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
OTHER_ACCOUNT = "210987654321"
FLOW_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnLike": {"aws:SourceArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-flow-log/*"},
            },
        }
    ],
}


def network(private_dns: bool = True, account: str | None = None) -> dict[str, Any]:
    """A VPC (DNS hostnames on when ``private_dns``) with two subnets in two zones and a security group."""
    ec2 = client("ec2", account=account)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    if private_dns:
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]
        for cidr, zone in (("10.20.1.0/24", f"{REGION}a"), ("10.20.2.0/24", f"{REGION}b"))
    ]
    group = ec2.create_security_group(GroupName="endpoints", Description="443 from the VPN", VpcId=vpc)["GroupId"]
    return {"ec2": ec2, "vpc": vpc, "subnets": subnets, "group": group}


def endpoint_policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def create_endpoint(net: dict[str, Any], service: str = RUNTIME, **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "VpcId": net["vpc"],
        "ServiceName": service,
        "VpcEndpointType": "Interface",
        "SubnetIds": [s["SubnetId"] for s in net["subnets"]],
        "SecurityGroupIds": [net["group"]],
        "PrivateDnsEnabled": True,
        **extra,
    }
    return net["ec2"].create_vpc_endpoint(**params)["VpcEndpoint"]


def listeners() -> dict[str, str]:
    """vpcEndpointId -> the listener's base URL, from GET /_emulator/vpc-endpoints."""
    return {e["vpcEndpointId"]: e["endpoint"] for e in control("vpc-endpoints")}


class VpcEndpointApiTest(EmulatorTestCase):
    def test_interface_endpoint_as_aws_describes_it(self) -> None:
        net = network()
        created = create_endpoint(net)
        ec2 = net["ec2"]
        [endpoint] = ec2.describe_vpc_endpoints(VpcEndpointIds=[created["VpcEndpointId"]])["VpcEndpoints"]
        vpce = endpoint["VpcEndpointId"]
        self.assertRegex(vpce, r"^vpce-[0-9a-f]{17}$")
        self.assertEqual(endpoint["State"], "available")
        self.assertEqual(endpoint["IpAddressType"], "ipv4")
        self.assertEqual(endpoint["DnsOptions"], {"DnsRecordIpType": "ipv4"})
        self.assertEqual(sorted(endpoint["SubnetIds"]), sorted(s["SubnetId"] for s in net["subnets"]))
        self.assertEqual([g["GroupId"] for g in endpoint["Groups"]], [net["group"]])
        # Full access by default, as AWS attaches it.
        policy = json.loads(endpoint["PolicyDocument"])
        self.assertEqual(policy["Statement"], [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}])
        # DNS: regional, one per zone, then the service's own name (private DNS).
        names = [e["DnsName"] for e in endpoint["DnsEntries"]]
        self.assertRegex(names[0], rf"^{vpce}-[0-9a-z]{{8}}\.bedrock-runtime\.{REGION}\.vpce\.amazonaws\.com$")
        suffix = names[0].split(".", 1)[0]
        self.assertEqual(
            names[1:],
            [
                f"{suffix}-{REGION}a.bedrock-runtime.{REGION}.vpce.amazonaws.com",
                f"{suffix}-{REGION}b.bedrock-runtime.{REGION}.vpce.amazonaws.com",
                f"bedrock-runtime.{REGION}.amazonaws.com",
            ],
        )
        for entry in endpoint["DnsEntries"]:
            self.assertRegex(entry["HostedZoneId"], r"^Z[0-9A-Z]{13}$")
        # One requester-managed interface per subnet, with an address in the subnet.
        enis = ec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])["NetworkInterfaces"]
        self.assertEqual(len(enis), 2)
        cidrs = {s["SubnetId"]: s["CidrBlock"] for s in net["subnets"]}
        for eni in enis:
            self.assertIn(ipaddress.ip_address(eni["PrivateIpAddress"]), ipaddress.ip_network(cidrs[eni["SubnetId"]]))
            self.assertEqual(eni["Description"], f"VPC Endpoint Interface {vpce}")
            self.assertTrue(eni["RequesterManaged"])

    def test_the_services_the_stack_uses_exist_and_unknown_ones_do_not(self) -> None:
        ec2 = client("ec2")
        services = ec2.describe_vpc_endpoint_services(
            ServiceNames=[f"com.amazonaws.{REGION}.{s}" for s in ("bedrock-runtime", "bedrock", "sts", "logs")]
        )["ServiceDetails"]
        self.assertEqual(len(services), 4)
        for service in services:
            self.assertEqual(service["ServiceType"], [{"ServiceType": "Interface"}])
            self.assertTrue(service["VpcEndpointPolicySupported"])
        net = network()
        err = self.assertError("InvalidServiceName", create_endpoint, net, f"com.amazonaws.{REGION}.bedrock-runtimes")
        self.assertIn("bedrock-runtimes' does not exist", err.response["Error"]["Message"])
        # The provider's default type is Gateway, which Bedrock does not offer.
        err = self.assertError("InvalidParameter", create_endpoint, net, VpcEndpointType="Gateway")
        self.assertIn("Endpoint type (Gateway) does not match available service types ([Interface])", str(err))

    def test_subnets_one_per_zone_in_the_vpc_and_security_groups_that_exist(self) -> None:
        net = network()
        ec2 = net["ec2"]
        same_zone = ec2.create_subnet(VpcId=net["vpc"], CidrBlock="10.20.3.0/24", AvailabilityZone=f"{REGION}a")
        twice = [net["subnets"][0]["SubnetId"], same_zone["Subnet"]["SubnetId"]]
        self.assertError("DuplicateSubnetsInSameZone", create_endpoint, net, SubnetIds=twice)
        other = network(private_dns=False)
        self.assertError("InvalidParameter", create_endpoint, net, SubnetIds=[other["subnets"][0]["SubnetId"]])
        self.assertError("InvalidGroup.NotFound", create_endpoint, net, SecurityGroupIds=["sg-0123456789abcdef0"])
        self.assertError("InvalidParameter", create_endpoint, net, SecurityGroupIds=[other["group"]])
        self.assertEqual(ec2.describe_vpc_endpoints()["VpcEndpoints"], [])

    def test_private_dns_needs_dns_hostnames_and_no_other_endpoint_of_the_service(self) -> None:
        plain = network(private_dns=False)
        err = self.assertError("InvalidParameter", create_endpoint, plain)
        self.assertIn("enableDnsSupport and enableDnsHostnames", str(err))
        create_endpoint(plain, PrivateDnsEnabled=False)  # the vpce names only
        net = network()
        create_endpoint(net)
        err = self.assertError("InvalidParameter", create_endpoint, net, SubnetIds=[])
        self.assertIn(f"conflicting DNS domain for bedrock-runtime.{REGION}.amazonaws.com", str(err))
        second = create_endpoint(net, SubnetIds=[], PrivateDnsEnabled=False)
        self.assertFalse(second["PrivateDnsEnabled"])
        self.assertEqual(len(second["DnsEntries"]), 1)  # regional only: no subnets, no private name

    def test_policy_documents_are_validated_and_round_trip(self) -> None:
        net = network()
        allow = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": INVOKE,
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
        }
        created = create_endpoint(net, PolicyDocument=endpoint_policy(allow))
        self.assertEqual(json.loads(created["PolicyDocument"])["Statement"], [allow])
        self.assertError("InvalidPolicyDocument", create_endpoint, net, PolicyDocument="{not json")
        no_principal = {k: v for k, v in allow.items() if k != "Principal"}
        without_principal = endpoint_policy(no_principal)
        err = self.assertError("InvalidPolicyDocument", create_endpoint, net, PolicyDocument=without_principal)
        self.assertIn("must contain a Principal element", str(err))
        huge = endpoint_policy(allow, {**allow, "Sid": "x" * 21_000})
        self.assertError("InvalidPolicyDocument", create_endpoint, net, PolicyDocument=huge)

    def test_modify_policy_private_dns_subnets_and_groups(self) -> None:
        net = network()
        ec2 = net["ec2"]
        first, second = (s["SubnetId"] for s in net["subnets"])
        vpce = create_endpoint(net, SubnetIds=[first], PrivateDnsEnabled=False)["VpcEndpointId"]
        deny = {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}
        ec2.modify_vpc_endpoint(VpcEndpointId=vpce, PolicyDocument=endpoint_policy(deny))
        group = ec2.create_security_group(GroupName="more", Description="d", VpcId=net["vpc"])["GroupId"]
        ec2.modify_vpc_endpoint(
            VpcEndpointId=vpce,
            PrivateDnsEnabled=True,
            AddSubnetIds=[second],
            RemoveSubnetIds=[first],
            AddSecurityGroupIds=[group],
            RemoveSecurityGroupIds=[net["group"]],
        )
        [endpoint] = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"]
        self.assertEqual(json.loads(endpoint["PolicyDocument"])["Statement"], [deny])
        self.assertTrue(endpoint["PrivateDnsEnabled"])
        self.assertEqual(endpoint["SubnetIds"], [second])
        self.assertEqual([g["GroupId"] for g in endpoint["Groups"]], [group])
        enis = endpoint["NetworkInterfaceIds"]
        [eni] = ec2.describe_network_interfaces(NetworkInterfaceIds=enis)["NetworkInterfaces"]
        self.assertEqual(eni["SubnetId"], second)
        zones = [e["DnsName"] for e in endpoint["DnsEntries"]]
        self.assertTrue(zones[1].endswith(f"-{REGION}b.bedrock-runtime.{REGION}.vpce.amazonaws.com"), zones)
        self.assertEqual(zones[-1], f"bedrock-runtime.{REGION}.amazonaws.com")
        ec2.modify_vpc_endpoint(VpcEndpointId=vpce, ResetPolicy=True, PrivateDnsEnabled=False)
        [endpoint] = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"]
        self.assertEqual(json.loads(endpoint["PolicyDocument"])["Statement"][0]["Action"], "*")
        self.assertFalse(endpoint["PrivateDnsEnabled"])
        self.assertNotIn(f"bedrock-runtime.{REGION}.amazonaws.com", [e["DnsName"] for e in endpoint["DnsEntries"]])
        self.assertError(
            "InvalidPolicyDocument", ec2.modify_vpc_endpoint, VpcEndpointId=vpce, PolicyDocument='{"Statement": []}'
        )

    def test_delete_reports_unknown_ids_as_unsuccessful(self) -> None:
        net = network()
        vpce = create_endpoint(net)["VpcEndpointId"]
        missing = "vpce-0123456789abcdef0"
        answer = net["ec2"].delete_vpc_endpoints(VpcEndpointIds=[vpce, missing])
        self.assertEqual([u["ResourceId"] for u in answer["Unsuccessful"]], [missing])
        self.assertEqual(answer["Unsuccessful"][0]["Error"]["Code"], "InvalidVpcEndpoint.NotFound")
        [endpoint] = net["ec2"].describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"]
        self.assertEqual(endpoint["State"], "deleted")
        again = net["ec2"].delete_vpc_endpoints(VpcEndpointIds=[vpce])
        self.assertEqual(again["Unsuccessful"][0]["ResourceId"], vpce)
        # Its network interfaces are gone, and a new endpoint may take its private DNS name.
        self.assertError(
            "InvalidNetworkInterfaceID.NotFound",
            net["ec2"].describe_network_interfaces,
            NetworkInterfaceIds=endpoint["NetworkInterfaceIds"][:1],
        )
        create_endpoint(net)


def flow_role(name: str, trust: dict[str, Any] = FLOW_TRUST, resource: str | None = None) -> str:
    """A role for flow logs: ``trust`` as its trust policy, allowed to write log streams of ``resource``."""
    iam = client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    if resource:
        statement = {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": resource}
        iam.put_role_policy(
            RoleName=name,
            PolicyName="deliver",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
        )
    return arn


def flow_log(ec2: Any, resource: str, destination: str, role: str | None = None, **extra: Any) -> dict[str, Any]:
    """CreateFlowLogs for a VPC (``destination``: a log group or bucket ARN); the answer."""
    params: dict[str, Any] = {
        "ResourceIds": [resource],
        "ResourceType": "VPC",
        "TrafficType": "ALL",
        "LogDestinationType": "s3" if destination.startswith("arn:aws:s3") else "cloud-watch-logs",
        "LogDestination": destination,
        **({"DeliverLogsPermissionArn": role} if role else {}),
        **extra,
    }
    return ec2.create_flow_logs(**params)


class FlowLogsTest(EmulatorTestCase):
    def test_cloudwatch_destination_by_arn_with_a_role_scoped_to_the_group(self) -> None:
        ec2 = client("ec2")
        client("logs").create_log_group(logGroupName="/vpc/flow")
        group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/vpc/flow"
        statement = FLOW_TRUST["Statement"][0]
        ec2_trust = {"Statement": [{**statement, "Principal": {"Service": "ec2.amazonaws.com"}}]}
        other_source = {"ArnLike": {"aws:SourceArn": f"arn:aws:ec2:{REGION}:{OTHER_ACCOUNT}:vpc-flow-log/*"}}
        other_trust = {"Statement": [{**statement, "Condition": other_source}]}
        roles = {
            "good": flow_role("flow", resource=f"{group_arn}:*"),
            "scope": flow_role("flow-elsewhere", resource=f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/other:*"),
            "trust": flow_role("flow-untrusted", {**FLOW_TRUST, **ec2_trust}, f"{group_arn}:*"),
            "source": flow_role("flow-other-source", {**FLOW_TRUST, **other_trust}, f"{group_arn}:*"),
            "missing": f"arn:aws:iam::{ACCOUNT}:role/nope",
        }
        ids = {}
        for name, role in roles.items():
            vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]  # one flow log per VPC and group
            [ids[name]] = flow_log(ec2, vpc, group_arn, role)["FlowLogIds"]
        described = {f["FlowLogId"]: f for f in ec2.describe_flow_logs()["FlowLogs"]}
        good = described[ids["good"]]
        delivery = (good["DeliverLogsStatus"], good["LogGroupName"], good["LogDestination"])
        self.assertEqual(delivery, ("SUCCESS", "/vpc/flow", group_arn))
        for name in ("scope", "trust", "source", "missing"):
            failed = described[ids[name]]
            self.assertEqual(
                (failed["DeliverLogsStatus"], failed["DeliverLogsErrorMessage"]), ("FAILED", "Access error"), name
            )
        # The role is required for CloudWatch Logs.
        vpc = ec2.create_vpc(CidrBlock="10.31.0.0/16")["Vpc"]["VpcId"]
        self.assertError("InvalidParameter", flow_log, ec2, vpc, group_arn)

    def test_s3_destination_with_a_prefix(self) -> None:
        ec2 = client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
        client("s3").create_bucket(Bucket="acme-flow-logs")
        answer = flow_log(ec2, vpc, "arn:aws:s3:::acme-flow-logs/vpc/")
        self.assertEqual(answer["Unsuccessful"], [])
        [created] = ec2.describe_flow_logs(FlowLogIds=answer["FlowLogIds"])["FlowLogs"]
        self.assertEqual(
            (created["LogDestination"], created["DeliverLogsStatus"]), ("arn:aws:s3:::acme-flow-logs/vpc/", "SUCCESS")
        )
        missing = flow_log(ec2, vpc, "arn:aws:s3:::no-such-flow-bucket")
        self.assertEqual((missing["FlowLogIds"], len(missing["Unsuccessful"])), ([], 1))
        # No role for S3, and AWSLogs is a reserved folder name.
        role = f"arn:aws:iam::{ACCOUNT}:role/flow"
        self.assertError("InvalidParameter", flow_log, ec2, vpc, "arn:aws:s3:::acme-flow-logs", role)
        self.assertError("InvalidParameter", flow_log, ec2, vpc, "arn:aws:s3:::acme-flow-logs/AWSLogs/")


def require_vpc_endpoint(vpce_id: str) -> None:
    """``requireVpcEndpoint``: the developer role's policy becomes the stack's rendering with
    ``DenyInvokeOutsideVpcEndpoint`` for this endpoint (packages/foundation, no copy here)."""
    document = policies()["developerVpce"].replace(VPCE_PLACEHOLDER, vpce_id)
    arn = f"arn:aws:iam::{ACCOUNT}:policy/acme-developer"
    client("iam").create_policy_version(PolicyArn=arn, PolicyDocument=document, SetAsDefault=True)


class EndpointListenerTest(RuntimeTestCase):
    """The developer environment with a VPC, a Bedrock Runtime endpoint and requireVpcEndpoint."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.net = network()
        invoke_here = {
            "Sid": "InvokeFromThisAccount",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["bedrock:InvokeModel", "bedrock:CountTokens"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
        }
        cls.endpoint = create_endpoint(cls.net, PolicyDocument=endpoint_policy(invoke_here))
        cls.vpce = cls.endpoint["VpcEndpointId"]
        require_vpc_endpoint(cls.vpce)
        cls.creds = session(cls.env)
        cls.profile = cls.env.profiles[("jane", "sonnet")]

    def through(self, url: str, creds: dict[str, str] | None = None, service: str = "bedrock-runtime") -> Any:
        return client(service, creds or self.creds, endpoint=url)

    def test_the_listener_is_listed_and_answers(self) -> None:
        [entry] = [e for e in control("vpc-endpoints") if e["vpcEndpointId"] == self.vpce]
        self.assertEqual(entry["serviceName"], RUNTIME)
        self.assertEqual(entry["vpcId"], self.net["vpc"])
        self.assertRegex(entry["endpoint"], r"^http://127\.0\.0\.1:\d+$")
        self.assertNotEqual(entry["endpoint"], _runtime_url())

    def test_require_vpc_endpoint_refuses_the_public_address_and_allows_the_endpoint(self) -> None:
        public = self.through(_runtime_url())
        message = self.denied(public.invoke_model, modelId=self.profile, body=anthropic_body())
        self.assertIn("bedrock:InvokeModel", message)
        self.assertIn("with an explicit deny in an identity-based policy", message)
        answer = self.through(listeners()[self.vpce]).invoke_model(modelId=self.profile, body=anthropic_body())
        self.assertEqual(json.loads(answer["body"].read())["type"], "message")

    def test_the_endpoint_policy_refuses_other_actions_and_other_accounts(self) -> None:
        url = listeners()[self.vpce]
        message = self.denied(
            self.through(url).invoke_model_with_response_stream, modelId=self.profile, body=anthropic_body()
        )
        self.assertIn("because no VPC endpoint policy allows the bedrock:InvokeModelWithResponseStream action", message)
        # A user of another account, allowed everything by its own policies.
        iam = client("iam", account=OTHER_ACCOUNT)
        iam.create_user(UserName="outsider")
        iam.put_user_policy(
            UserName="outsider",
            PolicyName="all",
            PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}]}
            ),
        )
        key = iam.create_access_key(UserName="outsider")["AccessKey"]
        outsider = {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}
        model = "anthropic.claude-sonnet-4-5-20250929-v1:0"
        message = self.denied(self.through(url, outsider).invoke_model, modelId=model, body=anthropic_body())
        self.assertIn("because no VPC endpoint policy allows the bedrock:InvokeModel action", message)
        # The same call on the public address: the endpoint policy does not apply there.
        answer = self.through(_runtime_url(), outsider).invoke_model(modelId=model, body=anthropic_body())
        self.assertEqual(answer["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_control_plane_reads_go_to_the_bedrock_endpoint_only_when_the_vpc_has_one(self) -> None:
        url = listeners()[self.vpce]
        # No bedrock endpoint: the read leaves through the public endpoint (no endpoint policy).
        profiles = self.through(url, service="bedrock").list_inference_profiles(typeEquals="SYSTEM_DEFINED")
        self.assertTrue(profiles["inferenceProfileSummaries"])
        deny_reads = {"Effect": "Deny", "Principal": "*", "Action": "bedrock:ListInferenceProfiles", "Resource": "*"}
        allow_all = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
        control_plane = create_endpoint(
            self.net, CONTROL_PLANE, SubnetIds=[], PolicyDocument=endpoint_policy(deny_reads, allow_all)
        )
        try:
            message = self.denied(
                self.through(url, service="bedrock").list_inference_profiles, typeEquals="SYSTEM_DEFINED"
            )
            self.assertIn("with an explicit deny in a VPC endpoint policy", message)
        finally:
            self.net["ec2"].delete_vpc_endpoints(VpcEndpointIds=[control_plane["VpcEndpointId"]])
        self.assertNotIn(control_plane["VpcEndpointId"], listeners())  # not a runtime endpoint

    def test_calls_through_the_endpoint_write_flow_log_records(self) -> None:
        logs = client("logs")
        logs.create_log_group(logGroupName="/vpc/acme-flow")
        group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/vpc/acme-flow"
        role = flow_role("acme-flow-logs", resource=f"{group_arn}:log-stream:*")
        client("s3").create_bucket(Bucket="acme-vpc-flow")
        ec2 = self.net["ec2"]
        created = [
            flow_log(ec2, self.net["vpc"], group_arn, role)["FlowLogIds"][0],
            flow_log(ec2, self.net["vpc"], "arn:aws:s3:::acme-vpc-flow/net/")["FlowLogIds"][0],
        ]
        try:
            self.denied(self.through(_runtime_url()).invoke_model, modelId=self.profile, body=anthropic_body())
            self.through(listeners()[self.vpce]).invoke_model(modelId=self.profile, body=anthropic_body())
            eni = self.endpoint["NetworkInterfaceIds"][0]
            events = logs.get_log_events(logGroupName="/vpc/acme-flow", logStreamName=eni)["events"]
            self.assertEqual(len(events), 2)  # the request and the answer
            inbound = events[0]["message"].split()
            self.assertEqual(inbound[:3], ["2", ACCOUNT, eni])
            self.assertEqual((inbound[6], inbound[7], inbound[12], inbound[13]), ("443", "6", "ACCEPT", "OK"))
            outbound = events[1]["message"].split()
            self.assertEqual((outbound[3], outbound[5]), (inbound[4], "443"))
            s3 = client("s3")
            [obj] = s3.list_objects_v2(Bucket="acme-vpc-flow")["Contents"]
            self.assertRegex(
                obj["Key"],
                rf"^net/AWSLogs/{ACCOUNT}/vpcflowlogs/{REGION}/\d{{4}}/\d\d/\d\d/{ACCOUNT}_vpcflowlogs_{REGION}_"
                rf"{created[1]}_\d{{8}}T\d{{4}}Z_[0-9a-f]{{8}}\.log\.gz$",
            )
            body = gzip.decompress(s3.get_object(Bucket="acme-vpc-flow", Key=obj["Key"])["Body"].read()).decode()
            header, *lines = body.strip().split("\n")
            self.assertTrue(header.startswith("version account-id interface-id srcaddr dstaddr"))
            self.assertEqual(len(lines), 2)
        finally:
            ec2.delete_flow_logs(FlowLogIds=created)

    def test_delete_and_reset_stop_the_listener(self) -> None:
        other = create_endpoint(self.net, SubnetIds=[], PrivateDnsEnabled=False)["VpcEndpointId"]
        url = listeners()[other]
        self.assertEqual(_status(url), 404)  # an unknown operation: it answers
        self.net["ec2"].delete_vpc_endpoints(VpcEndpointIds=[other])
        self.assertNotIn(other, listeners())
        with self.assertRaises(urllib.error.URLError):
            _status(url)
        self.assertIn(self.vpce, listeners())


class StackPoliciesThroughTheEndpointTest(RuntimeTestCase):
    """The stack's own policies (packages/foundation): the developer policy with requireVpcEndpoint,
    the bedrock-runtime and bedrock endpoint policies; the calls Claude Code makes."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        net = network()
        runtime = create_endpoint(net, PolicyDocument=policies()["runtimeEndpoint"])
        create_endpoint(net, CONTROL_PLANE, PolicyDocument=policies()["controlPlaneEndpoint"])
        require_vpc_endpoint(runtime["VpcEndpointId"])
        cls.url = listeners()[runtime["VpcEndpointId"]]
        cls.creds = session(cls.env)

    def test_claude_codes_calls_pass_through_the_endpoint(self) -> None:
        runtime = client("bedrock-runtime", self.creds, endpoint=self.url)
        sonnet, haiku = self.env.profiles[("jane", "sonnet")], self.env.profiles[("jane", "haiku")]
        runtime.invoke_model(modelId=sonnet, body=anthropic_body())
        stream = runtime.invoke_model_with_response_stream(modelId=haiku, body=anthropic_body())["body"]
        self.assertTrue([event for event in stream])  # the global profile's hops, region-less model too
        messages = [{"role": "user", "content": [{"text": "hello"}]}]
        counted = runtime.count_tokens(modelId=sonnet, input={"converse": {"messages": messages}})
        self.assertGreater(counted["inputTokens"], 0)
        # The start-up reads go through the bedrock endpoint (private DNS) and its policy.
        bedrock = client("bedrock", self.creds, endpoint=self.url)
        self.assertTrue(bedrock.list_inference_profiles(typeEquals="SYSTEM_DEFINED")["inferenceProfileSummaries"])
        profile = bedrock.get_inference_profile(inferenceProfileIdentifier=sonnet)
        self.assertEqual(profile["inferenceProfileArn"], sonnet)

    def test_and_are_refused_elsewhere(self) -> None:
        public = client("bedrock-runtime", self.creds, endpoint=_runtime_url())
        sonnet = self.env.profiles[("jane", "sonnet")]
        message = self.denied(public.invoke_model, modelId=sonnet, body=anthropic_body())
        self.assertIn("with an explicit deny in an identity-based policy", message)
        # Someone else's profile through the endpoint: the developer policy's ABAC refuses it.
        through = client("bedrock-runtime", self.creds, endpoint=self.url)
        bobs = self.env.profiles[("bob", "sonnet")]
        message = self.denied(through.invoke_model, modelId=bobs, body=anthropic_body())
        self.assertIn("because no identity-based policy allows the bedrock:InvokeModel action", message)
        # A model outside the project's tiers: the endpoint policy refuses it even to an admin user.
        svc = user_creds(self.env, "svc")
        other_model = "anthropic.claude-3-haiku-20240307-v1:0"
        admin = client("bedrock-runtime", svc, endpoint=self.url)
        message = self.denied(admin.invoke_model, modelId=other_model, body=anthropic_body())
        self.assertIn("because no VPC endpoint policy allows the bedrock:InvokeModel action", message)


class ResetTest(EmulatorTestCase):
    def test_reset_stops_every_endpoint_listener(self) -> None:
        vpce = create_endpoint(network())["VpcEndpointId"]
        url = listeners()[vpce]
        reset()
        self.assertEqual(control("vpc-endpoints"), [])
        with self.assertRaises(urllib.error.URLError):
            _status(url)


def _runtime_url() -> str:
    from testing_support import emulator

    return emulator().runtime


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/nothing-here", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


class SeedNetworkTest(EmulatorTestCase):
    """``POST /_emulator/ec2/network``: the VPC and subnets a config names, with exactly its ids."""

    # apps/prod/config.yaml's placeholders.
    vpc = "vpc-0a1b2c3d4e5f60718"
    subnets = ["subnet-0a1b2c3d4e5f60718", "subnet-1a1b2c3d4e5f60718"]

    def seed(self, **body: Any) -> Any:
        return control("ec2/network", {"vpcId": self.vpc, "subnetIds": self.subnets, **body})

    def refused(self, body: dict[str, Any]) -> tuple[int, str]:
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            control("ec2/network", body)
        return ctx.exception.code, json.loads(ctx.exception.read())["message"]

    def test_creates_the_vpc_and_subnets_with_the_given_ids(self) -> None:
        answer = self.seed()
        self.assertEqual((answer["vpcId"], answer["cidr"], answer["created"]), (self.vpc, "10.0.0.0/16", True))
        ec2 = client("ec2")
        self.assertEqual(ec2.describe_vpcs(VpcIds=[self.vpc])["Vpcs"][0]["CidrBlock"], "10.0.0.0/16")
        for attribute, key in (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames")):
            self.assertTrue(ec2.describe_vpc_attribute(VpcId=self.vpc, Attribute=attribute)[key]["Value"], attribute)
        subnets = ec2.describe_subnets(SubnetIds=self.subnets)["Subnets"]
        self.assertEqual(sorted(s["SubnetId"] for s in subnets), sorted(self.subnets))
        self.assertEqual({s["VpcId"] for s in subnets}, {self.vpc})
        zones = [s["AvailabilityZone"] for s in subnets]
        self.assertEqual(len(set(zones)), len(zones))
        blocks = [ipaddress.IPv4Network(s["CidrBlock"]) for s in subnets]
        self.assertTrue(all(b.subnet_of(ipaddress.IPv4Network("10.0.0.0/16")) for b in blocks))
        self.assertFalse(blocks[0].overlaps(blocks[1]))
        # Other VPCs and subnets still get random ids.
        self.assertNotEqual(ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"], self.vpc)

    def test_an_interface_endpoint_with_private_dns_can_use_it(self) -> None:
        self.seed()
        endpoint = client("ec2").create_vpc_endpoint(
            VpcEndpointType="Interface",
            VpcId=self.vpc,
            ServiceName=RUNTIME,
            SubnetIds=self.subnets,
            PrivateDnsEnabled=True,
        )["VpcEndpoint"]
        self.assertEqual(len(endpoint["NetworkInterfaceIds"]), 2)

    def test_seeding_again_keeps_what_exists_and_adds_what_is_missing(self) -> None:
        first = self.seed(cidr="10.30.0.0/16")
        again = self.seed(subnetIds=self.subnets + ["subnet-2a1b2c3d"])
        self.assertEqual((again["created"], again["cidr"]), (False, "10.30.0.0/16"))
        self.assertEqual(again["subnets"][:2], [{**s, "created": False} for s in first["subnets"]])
        third = again["subnets"][2]
        self.assertTrue(third["created"])
        self.assertNotIn(third["availabilityZone"], [s["availabilityZone"] for s in first["subnets"]])
        vpcs = client("ec2").describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.30.0.0/16"]}])["Vpcs"]
        self.assertEqual(len(vpcs), 1)

    def test_a_subnet_of_another_vpc_is_refused_and_nothing_is_created(self) -> None:
        ec2 = client("ec2")
        other = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        taken = ec2.create_subnet(VpcId=other, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
        status, message = self.refused({"vpcId": self.vpc, "subnetIds": [taken]})
        self.assertEqual(status, 409)
        self.assertIn(taken, message)
        self.assertError("InvalidVpcID.NotFound", ec2.describe_vpcs, VpcIds=[self.vpc])

    def test_every_problem_of_a_bad_request_in_one_answer(self) -> None:
        status, message = self.refused(
            {"vpcId": "vpc-x", "subnetIds": ["subnet-1", "subnet-1"], "cidr": "10.0.0.0/8", "region": "mars-1"}
        )
        self.assertEqual(status, 400)
        for part in ("vpcId", "'subnet-1' is not", "must not repeat", "cidr", "mars-1"):
            self.assertIn(part, message)
        # More subnets than the region has zones: refused before anything is created.
        status, message = self.refused({"vpcId": self.vpc, "subnetIds": [f"subnet-{i:08x}" for i in range(7)]})
        self.assertEqual(status, 400)
        self.assertIn("Availability Zone", message)
        self.assertError("InvalidVpcID.NotFound", client("ec2").describe_vpcs, VpcIds=[self.vpc])
