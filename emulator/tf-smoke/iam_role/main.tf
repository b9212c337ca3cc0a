# Role with a trust policy, an inline policy and an attached customer-managed policy.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_iam_role" "developer" {
  name                 = "smoke-developer"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = var.revision == 1 ? 43200 : 3600
  tags = {
    Project = "smoke"
  }
}

data "aws_iam_policy_document" "invoke" {
  statement {
    sid       = "InvokeOwnProfile"
    actions   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    resources = ["arn:${data.aws_partition.current.partition}:bedrock:*:${data.aws_caller_identity.current.account_id}:application-inference-profile/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/User"
      values   = ["$${aws:PrincipalTag/User}"]
    }
  }
  statement {
    sid       = "DenyBearerToken"
    effect    = "Deny"
    actions   = ["bedrock:CallWithBearerToken"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "invoke" {
  name   = "invoke"
  role   = aws_iam_role.developer.id
  policy = data.aws_iam_policy_document.invoke.json
}

data "aws_iam_policy_document" "read" {
  statement {
    actions   = var.revision == 1 ? ["bedrock:GetInferenceProfile", "bedrock:ListInferenceProfiles"] : ["bedrock:GetInferenceProfile", "bedrock:ListInferenceProfiles", "bedrock:ListTagsForResource"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "read" {
  name        = "smoke-bedrock-read"
  description = "Read inference profiles"
  tags = {
    Rev = tostring(var.revision)
  }
  policy      = data.aws_iam_policy_document.read.json
}

resource "aws_iam_role_policy_attachment" "read" {
  role       = aws_iam_role.developer.name
  policy_arn = aws_iam_policy.read.arn
}

resource "aws_iam_group" "opus_users" {
  name = "smoke-opus-users"
}

resource "aws_iam_group_policy_attachment" "read" {
  group      = aws_iam_group.opus_users.name
  policy_arn = aws_iam_policy.read.arn
}
