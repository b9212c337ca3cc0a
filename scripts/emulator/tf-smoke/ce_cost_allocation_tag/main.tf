# Activate user-defined cost allocation tags (payer account).

resource "aws_ce_cost_allocation_tag" "team" {
  tag_key = "Team"
  status  = "Active"
}

resource "aws_ce_cost_allocation_tag" "user" {
  tag_key = "User"
  status  = "Active"
}
