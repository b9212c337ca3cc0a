# Application inference profile copied from a US system profile, with tags.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

locals {
  system_profile_arn = "arn:${data.aws_partition.current.partition}:bedrock:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0"
}

resource "aws_bedrock_inference_profile" "jane" {
  name        = "smoke-jane_doe-sonnet"
  description = "Claude Code profile for jane.doe"

  model_source {
    copy_from = local.system_profile_arn
  }

  tags = {
    User       = "jane.doe@example.com"
    Team       = "platform"
    Project    = "smoke"
    CostCenter = "CC-100"
    Revision   = tostring(var.revision)
  }
}

data "aws_bedrock_inference_profile" "system" {
  inference_profile_id = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
}

output "profile_arn" {
  value = aws_bedrock_inference_profile.jane.arn
}

output "system_models" {
  value = data.aws_bedrock_inference_profile.system.models
}
