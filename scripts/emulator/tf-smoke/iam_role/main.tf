# Role with a trust policy, an inline policy and an attached customer-managed policy.

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
  max_session_duration = 43200
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
    actions   = ["bedrock:GetInferenceProfile", "bedrock:ListInferenceProfiles"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "read" {
  name        = "smoke-bedrock-read"
  description = "Read inference profiles"
  policy      = data.aws_iam_policy_document.read.json
}

resource "aws_iam_role_policy_attachment" "read" {
  role       = aws_iam_role.developer.name
  policy_arn = aws_iam_policy.read.arn
}
