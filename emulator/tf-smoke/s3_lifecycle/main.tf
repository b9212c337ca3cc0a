# Lifecycle configuration forms beyond s3_hardened's: the Athena results bucket's rules
# (prefix filter, `prefix = ""`), object-size filters (also inside `and` with tags),
# `newer_noncurrent_versions` and a non-default `transition_default_minimum_object_size`.
# The provider re-reads the configuration after every put until it equals what it wrote
# (ext_s3.py); an emulator that drops a field makes create/update time out after 3 minutes.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

resource "aws_s3_bucket" "results" {
  bucket        = "smoke-lifecycle-results"
  force_destroy = true
}

resource "aws_s3_bucket_versioning" "results" {
  bucket = aws_s3_bucket.results.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "results" {
  bucket                                 = aws_s3_bucket.results.id
  transition_default_minimum_object_size = var.revision == 1 ? "varies_by_storage_class" : "all_storage_classes_128K"

  rule {
    id     = "expire-query-results"
    status = "Enabled"
    filter {
      prefix = "results/"
    }
    expiration {
      days = var.revision == 1 ? 30 : 45
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"
    filter {
      prefix = ""
    }
    noncurrent_version_expiration {
      noncurrent_days           = 7
      newer_noncurrent_versions = var.revision == 1 ? 3 : 5
    }
  }

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"
    filter {
      prefix = ""
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  rule {
    id     = "large-objects"
    status = "Enabled"
    filter {
      object_size_greater_than = 1048576
    }
    transition {
      days          = 30
      storage_class = "GLACIER"
    }
  }

  rule {
    id     = "sized-archive"
    status = var.revision == 1 ? "Enabled" : "Disabled"
    filter {
      and {
        prefix                   = "archive/"
        object_size_greater_than = 100
        object_size_less_than    = 1000000
        tags = {
          tier = "cold"
        }
      }
    }
    transition {
      days          = 60
      storage_class = "DEEP_ARCHIVE"
    }
  }

  depends_on = [aws_s3_bucket_versioning.results]
}
