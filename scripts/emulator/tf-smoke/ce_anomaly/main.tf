# Cost anomaly monitor (per service) with a daily e-mail subscription.

resource "aws_ce_anomaly_monitor" "service" {
  name              = "smoke-service-monitor"
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
  frequency = "DAILY"

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
      values        = ["100"]
    }
  }

  tags = {
    Project = "smoke"
  }
}
