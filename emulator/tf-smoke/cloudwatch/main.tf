# Log group, metric filter on nested token fields, metric-math alarm, Logs Insights query.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

resource "aws_sns_topic" "alarms" {
  name = "smoke-alarms"
}

resource "aws_cloudwatch_log_group" "invocations" {
  name              = "/aws/bedrock/smoke-cw-invocations"
  retention_in_days = var.revision == 1 ? 30 : 90
  tags = {
    Project = "smoke"
  }
}

resource "aws_cloudwatch_log_metric_filter" "output_tokens" {
  name           = "smoke-output-tokens"
  log_group_name = aws_cloudwatch_log_group.invocations.name
  pattern        = "{ $.output.outputTokenCount = * }"

  metric_transformation {
    name      = "OutputTokens"
    namespace = "Smoke/Bedrock"
    value     = "$.output.outputTokenCount"
    unit      = "Count"
  }
}

resource "aws_cloudwatch_log_metric_filter" "input_tokens" {
  name           = "smoke-input-tokens"
  log_group_name = aws_cloudwatch_log_group.invocations.name
  pattern        = "{ $.input.inputTokenCount = * }"

  metric_transformation {
    name      = "InputTokens"
    namespace = "Smoke/Bedrock"
    value     = "$.input.inputTokenCount"
  }
}

resource "aws_cloudwatch_metric_alarm" "tokens" {
  alarm_name          = "smoke-total-tokens"
  alarm_description   = "Input + output tokens per hour above 2M"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = var.revision == 1 ? 2000000 : 3000000
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "total"
    expression  = "input + output"
    label       = "Total tokens"
    return_data = true
  }

  metric_query {
    id = "input"
    metric {
      metric_name = "InputTokens"
      namespace   = "Smoke/Bedrock"
      period      = 3600
      stat        = "Sum"
    }
  }

  metric_query {
    id = "output"
    metric {
      metric_name = "OutputTokens"
      namespace   = "Smoke/Bedrock"
      period      = 3600
      stat        = "Sum"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "invocations" {
  alarm_name          = "smoke-invocations"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "Invocations"
  namespace           = "AWS/Bedrock"
  period              = 300
  statistic           = "Sum"
  threshold           = 500
  alarm_actions       = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_query_definition" "usage_by_caller" {
  name            = "smoke/usage-by-caller"
  log_group_names = [aws_cloudwatch_log_group.invocations.name]
  query_string    = <<-EOT
    fields identity.arn as caller, input.inputTokenCount as inTokens, output.outputTokenCount as outTokens
    | stats sum(inTokens) as input, sum(outTokens) as output by caller
    | sort output desc
    | limit ${var.revision * 10}
  EOT
}
