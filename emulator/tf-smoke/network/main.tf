# Issue 19's network shape: a VPC for the test, a security group that allows 443 from one CIDR,
# interface endpoints for Bedrock Runtime (policy: this account, invoke only) and Bedrock (private
# DNS toggled by the update), and VPC flow logs to CloudWatch Logs (role scoped to the group) and S3.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

locals {
  account = data.aws_caller_identity.current.account_id
  region  = data.aws_region.current.name
}

resource "aws_vpc" "this" {
  cidr_block           = "10.40.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true # private DNS of the endpoints needs both
  tags                 = { Name = "smoke-network" }
}

resource "aws_subnet" "private" {
  for_each          = { a = "10.40.1.0/24", b = "10.40.2.0/24" }
  vpc_id            = aws_vpc.this.id
  cidr_block        = each.value
  availability_zone = "${local.region}${each.key}"
}

resource "aws_security_group" "endpoints" {
  name        = "smoke-bedrock-endpoints"
  description = "HTTPS to the Bedrock endpoints from the VPN only"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.endpoints.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.0.0.0/8"
  description       = "VPN revision ${var.revision}"
}

data "aws_iam_policy_document" "runtime_endpoint" {
  statement {
    sid       = "InvokeFromThisAccount"
    actions   = var.revision == 1 ? ["bedrock:InvokeModel"] : ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    resources = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalAccount"
      values   = [local.account]
    }
  }
}

resource "aws_vpc_endpoint" "runtime" {
  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${local.region}.bedrock-runtime"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [for s in aws_subnet.private : s.id]
  security_group_ids  = [aws_security_group.endpoints.id]
  policy              = data.aws_iam_policy_document.runtime_endpoint.json
  tags                = { Name = "smoke-bedrock-runtime" }
}

resource "aws_vpc_endpoint" "control_plane" {
  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${local.region}.bedrock"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = var.revision == 1
  subnet_ids          = var.revision == 1 ? [aws_subnet.private["a"].id] : [for s in aws_subnet.private : s.id]
  security_group_ids  = [aws_security_group.endpoints.id]
}

resource "aws_cloudwatch_log_group" "flow" {
  name              = "/smoke/vpc-flow-logs"
  retention_in_days = 90
}

data "aws_iam_policy_document" "flow_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "flow" {
  name               = "smoke-vpc-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.flow_trust.json
}

resource "aws_iam_role_policy" "flow" {
  name = "deliver"
  role = aws_iam_role.flow.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = "${aws_cloudwatch_log_group.flow.arn}:*"
    }]
  })
}

resource "aws_flow_log" "cloudwatch" {
  depends_on           = [aws_iam_role_policy.flow]
  vpc_id               = aws_vpc.this.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow.arn
  iam_role_arn         = aws_iam_role.flow.arn
  tags                 = { Revision = tostring(var.revision) }
}

resource "aws_s3_bucket" "flow" {
  bucket        = "smoke-vpc-flow-logs"
  force_destroy = true
}

resource "aws_flow_log" "s3" {
  vpc_id               = aws_vpc.this.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "${aws_s3_bucket.flow.arn}/vpc/"
  tags                 = { Revision = tostring(var.revision) }
}

output "runtime_endpoint" {
  value = {
    id        = aws_vpc_endpoint.runtime.id
    dns_names = [for e in aws_vpc_endpoint.runtime.dns_entry : e.dns_name]
  }
}
