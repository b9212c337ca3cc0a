# Alert topic with a service policy and an e-mail subscription.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

resource "aws_sns_topic" "alerts" {
  name         = "smoke-alerts"
  display_name = "Smoke alerts ${var.revision}"
  tags = {
    Project = "smoke"
  }
}

data "aws_iam_policy_document" "alerts" {
  statement {
    sid       = "AllowServices"
    actions   = ["SNS:Publish"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "Service"
      identifiers = ["budgets.amazonaws.com", "cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts.json
}

resource "aws_sns_topic_subscription" "email" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = "finops@example.com"
}
