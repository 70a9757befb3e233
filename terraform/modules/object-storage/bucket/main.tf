# One hardened bucket: versioned, SSE-KMS with the given key (bucket keys on), public access
# blocked, objects owned by the bucket owner (no ACLs), a policy refusing anything but TLS 1.2+,
# lifecycle rules, and, as the caller asks, object lock in COMPLIANCE mode, server access logs
# and a replication rule. object-storage calls it for each primary bucket and for each replica
# (with the replica region's provider), and for its logs bucket; bootstrap for the Terraform
# state bucket and its logs bucket: one definition of the hardening for all of them.
#
# access_logs = true makes the bucket a target of S3 server access logs: SSE-S3 instead of
# SSE-KMS (S3 delivers server access logs only to SSE-S3 buckets), a policy statement letting the
# S3 log delivery service of this account write under s3/, and no logs or replication of its own.

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "this" {
  bucket              = var.name
  object_lock_enabled = var.object_lock_days > 0

  tags = merge(var.tags, { Purpose = var.purpose })
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.access_logs ? "AES256" : "aws:kms"
      kms_master_key_id = var.access_logs ? null : var.kms_key_arn
    }
    bucket_key_enabled = var.access_logs ? null : true
  }
}

resource "aws_s3_bucket_object_lock_configuration" "this" {
  count = var.object_lock_days > 0 ? 1 : 0

  bucket = aws_s3_bucket.this.id

  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = var.object_lock_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_expire_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_upload_days
    }
  }

  dynamic "rule" {
    for_each = var.archive_after_days > 0 ? [var.archive_after_days] : []

    content {
      id     = "archive"
      status = "Enabled"

      filter {}

      transition {
        days          = rule.value
        storage_class = "GLACIER_IR"
      }
    }
  }

  dynamic "rule" {
    for_each = var.expire_days > 0 ? [var.expire_days] : []

    content {
      id     = "expire"
      status = "Enabled"

      filter {}

      expiration {
        days = rule.value
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_logging" "this" {
  count = var.logging == null ? 0 : 1

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.logging.target_bucket
  target_prefix = var.logging.target_prefix
}

data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = var.access_logs ? ["S3ServerAccessLogs"] : []

    content {
      sid       = statement.value
      actions   = ["s3:PutObject"]
      resources = ["${aws_s3_bucket.this.arn}/s3/*"]

      principals {
        type        = "Service"
        identifiers = ["logging.s3.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [data.aws_caller_identity.current.account_id]
      }
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "DenyOldTLS"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# Every new version and delete marker is copied to the destination bucket, encrypted there with
# the destination's key. The destination must be versioned before the rule is created: pass the
# destination module's `versioned_arn` output, which waits for its versioning.
resource "aws_s3_bucket_replication_configuration" "this" {
  count = var.replication == null ? 0 : 1

  bucket = aws_s3_bucket.this.id
  role   = var.replication.role_arn

  rule {
    id     = var.replication.rule_id
    status = "Enabled"

    filter {}

    delete_marker_replication {
      status = "Enabled"
    }

    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }

    destination {
      bucket = var.replication.destination_bucket_arn

      encryption_configuration {
        replica_kms_key_id = var.replication.destination_kms_key_arn
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}
