# Athena workgroup with enforced SSE-S3 results and a scan cutoff, plus a named query.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

resource "aws_s3_bucket" "results" {
  bucket        = "smoke-athena-results"
  force_destroy = true
}

resource "aws_glue_catalog_database" "logs" {
  name = "smoke_bedrock_logs"
}

resource "aws_athena_workgroup" "this" {
  name          = "smoke-bedrock-logs"
  description   = "Smoke test workgroup revision ${var.revision}"
  force_destroy = true

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.revision == 1 ? 10737418240 : 21474836480

    result_configuration {
      output_location = "s3://${aws_s3_bucket.results.id}/results/"

      encryption_configuration {
        encryption_option = "SSE_S3"
      }
    }
  }

  tags = {
    Project = "smoke"
    Rev     = tostring(var.revision)
  }
}

resource "aws_athena_workgroup" "untagged" {
  name = "smoke-untagged"

  configuration {
    result_configuration {
      output_location = "s3://${aws_s3_bucket.results.id}/untagged/"
    }
  }
}

resource "aws_athena_named_query" "cost" {
  name        = "smoke-cost-per-developer"
  description = "Cost per developer, last 7 days"
  workgroup   = aws_athena_workgroup.this.id
  database    = aws_glue_catalog_database.logs.name
  query       = "SELECT identity.arn, sum(input.inputtokencount) FROM invocations GROUP BY 1"
}

# A small lookup file next to the results (like the profile -> developer mapping).
resource "aws_s3_object" "mapping" {
  bucket       = aws_s3_bucket.results.id
  key          = "mapping/profiles.json"
  content_type = "application/json"
  content      = jsonencode({ revision = var.revision, profiles = { "abc123def456" = "jane.doe" } })
}
