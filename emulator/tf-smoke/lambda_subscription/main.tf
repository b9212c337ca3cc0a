# A Node.js function deployed from S3, subscribed to a log group, invoked by a monthly schedule, with
# a usage table (TTL) and an alarm on its errors: the shape of the spend-cap enforcer's deployment.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

locals {
  # zip of index.js: exports.handler = async (event) => ({ received: event });
  handler_zip_sha256 = "MVRK3gK4eIWHKgE+RcaND+K+NnGdamfgsD5Pz3p9Yh0=" # base64 of its SHA-256 (what Lambda reports as CodeSha256)
  handler_zip        = "UEsDBBQAAAAIAAAAIVyOvZ7yOQAAADoAAAAIAAAAaW5kZXguanNLrSjILyop1stIzEvJSS1SsFVILK7MS1bQSC1LzSvRVLC1U9CoVihKTU7NLEtNsVIACyvUalpzAQBQSwECFAMUAAAACAAAACFcjr2e8jkAAAA6AAAACAAAAAAAAAAAAAAAgAEAAAAAaW5kZXguanNQSwUGAAAAAAEAAQA2AAAAXwAAAAAA"
}

resource "aws_s3_bucket" "code" {
  bucket        = "smoke-lambda-code-${data.aws_caller_identity.current.account_id}"
  force_destroy = true
}

resource "aws_s3_object" "code" {
  bucket         = aws_s3_bucket.code.id
  key            = "enforcer.zip"
  content_base64 = local.handler_zip
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "enforcer" {
  name               = "smoke-enforcer"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/smoke-enforcer"
  retention_in_days = 14
}

resource "aws_lambda_function" "enforcer" {
  function_name    = "smoke-enforcer"
  role             = aws_iam_role.enforcer.arn
  runtime          = "nodejs22.x"
  handler          = "index.handler"
  s3_bucket        = aws_s3_object.code.bucket
  s3_key           = aws_s3_object.code.key
  source_code_hash = local.handler_zip_sha256
  timeout          = var.revision == 1 ? 30 : 60
  memory_size      = 256

  reserved_concurrent_executions = var.revision == 1 ? 100 : 50
  environment {
    variables = {
      USAGE_TABLE = aws_dynamodb_table.usage.name
      REVISION    = tostring(var.revision)
    }
  }
  depends_on = [aws_cloudwatch_log_group.function]
}

resource "aws_cloudwatch_log_group" "invocations" {
  name              = "/aws/bedrock/smoke-enforced-invocations"
  retention_in_days = 30
}

resource "aws_lambda_permission" "logs" {
  statement_id   = "cloudwatch-logs"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.enforcer.function_name
  principal      = "logs.amazonaws.com"
  source_arn     = "${aws_cloudwatch_log_group.invocations.arn}:*"
  source_account = data.aws_caller_identity.current.account_id
}

resource "aws_cloudwatch_log_subscription_filter" "enforcer" {
  name            = "smoke-enforcer"
  log_group_name  = aws_cloudwatch_log_group.invocations.name
  filter_pattern  = var.revision == 1 ? "{ $.schemaType = \"ModelInvocationLog\" }" : ""
  destination_arn = aws_lambda_function.enforcer.arn
  depends_on      = [aws_lambda_permission.logs]
}

resource "aws_cloudwatch_event_rule" "reset" {
  name                = "smoke-enforcer-reset"
  description         = "Period reset ${var.revision}"
  schedule_expression = var.revision == 1 ? "cron(0 0 1 * ? *)" : "cron(0 * * * ? *)"
}

resource "aws_cloudwatch_event_target" "reset" {
  rule = aws_cloudwatch_event_rule.reset.name
  arn  = aws_lambda_function.enforcer.arn
  retry_policy {
    maximum_retry_attempts       = 4
    maximum_event_age_in_seconds = 3600
  }
}

resource "aws_lambda_permission" "events" {
  statement_id  = "eventbridge-reset"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.enforcer.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.reset.arn
}

resource "aws_dynamodb_table" "usage" {
  name         = "smoke-enforcer-usage"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }
  point_in_time_recovery {
    enabled = true
  }
  tags = {
    Revision = tostring(var.revision)
  }
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "smoke-enforcer-errors"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.enforcer.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.revision
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
}
