# IAM Identity Center permission set with an inline policy (optional in the stack).
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

data "aws_ssoadmin_instances" "this" {}

resource "aws_ssoadmin_permission_set" "developer" {
  name             = "SmokeClaudeCodeDeveloper"
  description      = "Claude Code on Bedrock, revision ${var.revision}"
  instance_arn     = tolist(data.aws_ssoadmin_instances.this.arns)[0]
  session_duration = var.revision == 1 ? "PT8H" : "PT4H"

  tags = {
    Project = "smoke"
  }
}

data "aws_iam_policy_document" "developer" {
  statement {
    actions   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    resources = ["arn:${data.aws_partition.current.partition}:bedrock:*:${data.aws_caller_identity.current.account_id}:application-inference-profile/*"]
  }
}

resource "aws_ssoadmin_permission_set_inline_policy" "developer" {
  instance_arn       = aws_ssoadmin_permission_set.developer.instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.developer.arn
  inline_policy      = data.aws_iam_policy_document.developer.json
}
