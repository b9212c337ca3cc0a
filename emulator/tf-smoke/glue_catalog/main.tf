# Glue table over Bedrock invocation logs: nested structs, JSON SerDe, partition projection.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

resource "aws_glue_catalog_database" "logs" {
  name        = "smoke_glue_logs"
  description = "Smoke test database revision ${var.revision}"
}

resource "aws_glue_catalog_table" "invocations" {
  name          = "invocations"
  database_name = aws_glue_catalog_database.logs.name
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    EXTERNAL                   = "TRUE"
    classification             = "json"
    "projection.enabled"       = "true"
    "projection.region.type"   = "enum"
    "projection.region.values" = var.revision == 1 ? "us-east-1,us-east-2,us-west-2" : "us-east-1,us-east-2,us-west-1,us-west-2"
    "projection.dt.type"       = "date"
    "projection.dt.format"     = "yyyy/MM/dd/HH"
    "projection.dt.range"      = "2025/01/01/00,NOW"
    "projection.dt.interval"   = "1"
    "projection.dt.interval.unit" = "HOURS"
    "storage.location.template" = "s3://smoke-logs/AWSLogs/123456789012/BedrockModelInvocationLogs/$${region}/$${dt}"
  }

  partition_keys {
    name = "region"
    type = "string"
  }

  partition_keys {
    name = "dt"
    type = "string"
  }

  storage_descriptor {
    location      = "s3://smoke-logs/AWSLogs/123456789012/BedrockModelInvocationLogs/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      name                  = "json"
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters = {
        "ignore.malformed.json" = "true"
      }
    }

    columns {
      name = "timestamp"
      type = "string"
    }
    columns {
      name = "requestid"
      type = "string"
    }
    columns {
      name = "modelid"
      type = "string"
    }
    columns {
      name = "identity"
      type = "struct<arn:string>"
    }
    columns {
      name = "input"
      type = "struct<inputtokencount:bigint,cachereadinputtokencount:bigint,cachewriteinputtokencount:bigint>"
    }
    columns {
      name = "output"
      type = "struct<outputtokencount:bigint>"
    }
  }
}
