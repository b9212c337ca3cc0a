# Twenty application inference profiles: enough parallel Bedrock calls (Terraform runs 10 at a
# time) to exceed low rate limits. test_throttle.py applies it against an emulator with the rate
# limits on (server.py --rate-limits, lowered through PUT /_emulator/rate-limits) to show that the
# AWS provider's retries absorb ThrottlingException; tf_smoke.py runs it like any other config.
#
# Uses var.revision (see _shared/provider.tf): the second apply retags every profile.

variable "profiles" {
  type    = number
  default = 20
}

locals {
  system_profile_arn = "arn:${data.aws_partition.current.partition}:bedrock:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0"
}

resource "aws_bedrock_inference_profile" "developer" {
  count       = var.profiles
  name        = "smoke-throttle-${count.index}"
  description = "Claude Code profile for developer ${count.index}"

  model_source {
    copy_from = local.system_profile_arn
  }

  tags = {
    User     = "dev${count.index}@example.com"
    Project  = "smoke"
    Revision = tostring(var.revision)
  }
}

output "profile_count" {
  value = length(aws_bedrock_inference_profile.developer)
}
