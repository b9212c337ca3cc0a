# Activate user-defined cost allocation tags (payer account).
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

resource "aws_ce_cost_allocation_tag" "team" {
  tag_key = "Team"
  status  = "Active"
}

resource "aws_ce_cost_allocation_tag" "user" {
  tag_key = "User"
  status  = var.revision == 1 ? "Active" : "Inactive"
}
