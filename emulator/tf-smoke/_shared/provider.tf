# Shared by every smoke config (tf_smoke.py copies it next to the config).
# The same provider settings the apps use for their local target.

variable "endpoint" {
  type        = string
  description = "Emulator endpoint, e.g. http://127.0.0.1:4566"
}

variable "region" {
  type    = string
  default = "us-east-1"
}

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region                      = var.region
  access_key                  = "test"
  secret_key                  = "test"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true

  endpoints {
    athena     = var.endpoint
    bedrock    = var.endpoint
    budgets    = var.endpoint
    ce         = var.endpoint
    cloudtrail = var.endpoint
    cloudwatch = var.endpoint
    dynamodb   = var.endpoint
    ec2        = var.endpoint
    events     = var.endpoint
    glue       = var.endpoint
    iam        = var.endpoint
    kms        = var.endpoint
    lambda     = var.endpoint
    logs       = var.endpoint
    s3         = var.endpoint
    sns        = var.endpoint
    ssoadmin   = var.endpoint
    sts        = var.endpoint
  }
}
