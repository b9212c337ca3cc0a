# Shared by every smoke config (copied next to it, or into each module in combined mode).

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

variable "revision" {
  type        = number
  default     = 1
  description = "1 = first apply; 2 = the update pass (configs change updatable attributes with it)"
}
