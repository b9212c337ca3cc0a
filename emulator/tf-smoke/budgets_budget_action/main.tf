# A developer's spend cap, as the stack's budgetAction builds it: at 100 % of actual spend AWS
# Budgets attaches a deny policy to the developer role, with no approval, running as a role that
# trusts budgets.amazonaws.com for this account.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

data "aws_iam_policy_document" "budgets_trust" {
  statement {
    actions = ["sts:AssumeRole"]
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

resource "aws_iam_role" "actions" {
  name               = "smoke-budget-actions"
  assume_role_policy = data.aws_iam_policy_document.budgets_trust.json
}

resource "aws_iam_role" "developer" {
  name = "smoke-developer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = data.aws_caller_identity.current.account_id }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_policy" "spend_cap" {
  name = "smoke-spend-cap"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Deny", Action = "bedrock:InvokeModel*", Resource = "*" }]
  })
}

resource "aws_budgets_budget" "developer" {
  name         = "smoke-developer-jane"
  budget_type  = "COST"
  limit_amount = "400"
  limit_unit   = "USD"
  time_unit    = "MONTHLY"
}

resource "aws_budgets_budget_action" "spend_cap" {
  budget_name        = aws_budgets_budget.developer.name
  action_type        = "APPLY_IAM_POLICY"
  approval_model     = "AUTOMATIC"
  notification_type  = "ACTUAL"
  execution_role_arn = aws_iam_role.actions.arn

  action_threshold {
    action_threshold_type  = "PERCENTAGE"
    action_threshold_value = var.revision == 1 ? 100 : 95
  }

  definition {
    iam_action_definition {
      policy_arn = aws_iam_policy.spend_cap.arn
      roles      = [aws_iam_role.developer.name]
    }
  }

  subscriber {
    subscription_type = "EMAIL"
    address           = "finops@example.com"
  }

  dynamic "subscriber" {
    for_each = var.revision == 1 ? [] : ["platform-oncall@example.com"]
    content {
      subscription_type = "EMAIL"
      address           = subscriber.value
    }
  }

  tags = {
    Project = "smoke"
    Rev     = tostring(var.revision)
  }
}

output "budget_action_status" {
  value = aws_budgets_budget_action.spend_cap.status
}
