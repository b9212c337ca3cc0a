# Cost anomaly monitor (per service) with a daily e-mail subscription.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

resource "aws_ce_anomaly_monitor" "service" {
  name              = "smoke-service-monitor-${var.revision}"
  monitor_type      = "DIMENSIONAL"
  monitor_dimension = "SERVICE"

  tags = {
    Project = "smoke"
  }
}

resource "aws_ce_anomaly_monitor" "team" {
  name         = "smoke-team-monitor"
  monitor_type = "CUSTOM"

  monitor_specification = jsonencode({
    And            = null
    CostCategories = null
    Dimensions     = null
    Not            = null
    Or             = null
    Tags = {
      Key          = "user:Project"
      MatchOptions = null
      Values       = ["smoke"]
    }
  })
}

resource "aws_ce_anomaly_subscription" "daily" {
  name      = "smoke-anomaly-daily"
  frequency = var.revision == 1 ? "DAILY" : "WEEKLY"

  monitor_arn_list = [
    aws_ce_anomaly_monitor.service.arn,
    aws_ce_anomaly_monitor.team.arn,
  ]

  subscriber {
    type    = "EMAIL"
    address = "finops@example.com"
  }

  threshold_expression {
    dimension {
      key           = "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
      match_options = ["GREATER_THAN_OR_EQUAL"]
      values        = [var.revision == 1 ? "100" : "250"]
    }
  }

  tags = {
    Project = "smoke"
  }
}
