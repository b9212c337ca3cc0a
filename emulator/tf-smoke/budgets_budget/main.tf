# Monthly team budget filtered by cost allocation tag, alerting SNS and e-mail.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

resource "aws_sns_topic" "alerts" {
  name = "smoke-budget-alerts"
}

data "aws_iam_policy_document" "alerts" {
  statement {
    sid       = "AllowBudgets"
    actions   = ["SNS:Publish"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "Service"
      identifiers = ["budgets.amazonaws.com"]
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

resource "aws_budgets_budget" "team" {
  name         = "smoke-team-platform"
  budget_type  = "COST"
  limit_amount = var.revision == 1 ? "500" : "750"
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  cost_filter {
    name   = "TagKeyValue"
    values = ["user:Team$platform"]
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = var.revision == 1 ? 80 : 85
    threshold_type             = "PERCENTAGE"
    notification_type          = "ACTUAL"
    subscriber_email_addresses = var.revision == 1 ? ["finops@example.com", "platform-team@example.com"] : ["finops@example.com", "cfo@example.com"]
    subscriber_sns_topic_arns  = [aws_sns_topic.alerts.arn]
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 100
    threshold_type             = "PERCENTAGE"
    notification_type          = "FORECASTED"
    subscriber_email_addresses = ["finops@example.com"]
  }

  tags = {
    Team    = "platform"
    Project = "smoke"
    Rev     = tostring(var.revision)
  }

  depends_on = [aws_sns_topic_policy.alerts]
}

resource "aws_budgets_budget" "account" {
  name         = "smoke-monthly"
  budget_type  = "COST"
  limit_amount = "1000.0"
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 50
    threshold_type             = "PERCENTAGE"
    notification_type          = "ACTUAL"
    subscriber_email_addresses = ["finops@example.com"]
  }
}
