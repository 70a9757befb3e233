# The environment's buckets: each versioned, SSE-KMS with the module's key (bucket keys on),
# public access blocked, objects owned by the bucket owner (no ACLs), a policy refusing anything
# but TLS 1.2+, lifecycle rules, server access logs to the logs bucket, and object lock in
# COMPLIANCE mode where the bucket asks for it. The logs bucket itself is SSE-S3: S3 delivers
# server access logs only to buckets whose default encryption is SSE-S3.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  locked     = { for key, bucket in var.buckets : key => bucket if bucket.object_lock_days > 0 }
  replicated = { for key, bucket in var.buckets : key => bucket if bucket.replicate }
  logs_name  = "${var.name_prefix}-logs"
}

# One key for the environment's buckets; IAM policies (workload-identity) grant its use per role.
# Key policy: AWS's default shape (the account administers the key; IAM policies grant its use, so
# a principal uses it only where an IAM policy allows it). Written inline: in a key policy "*" is
# this key, which checkov's identity-policy checks would misread.
resource "aws_kms_key" "buckets" {
  description             = "${var.name_prefix}: object storage"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })

  tags = var.tags
}

resource "aws_kms_alias" "buckets" {
  name          = "alias/${var.name_prefix}-object-storage"
  target_key_id = aws_kms_key.buckets.key_id
}

# --- The buckets ----------------------------------------------------------------------------

resource "aws_s3_bucket" "this" {
  for_each = var.buckets

  bucket              = "${var.name_prefix}-${each.key}"
  object_lock_enabled = each.value.object_lock_days > 0

  tags = merge(var.tags, { Purpose = each.value.purpose })
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = var.buckets

  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.buckets.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_object_lock_configuration" "this" {
  for_each = local.locked

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = each.value.object_lock_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    id     = "noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = each.value.noncurrent_expire_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  dynamic "rule" {
    for_each = each.value.archive_after_days > 0 ? [each.value.archive_after_days] : []

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
    for_each = each.value.expire_days > 0 ? [each.value.expire_days] : []

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
  for_each = var.buckets

  bucket        = aws_s3_bucket.this[each.key].id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "s3/${aws_s3_bucket.this[each.key].id}/"
}

data "aws_iam_policy_document" "tls_only" {
  for_each = var.buckets

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this[each.key].arn,
      "${aws_s3_bucket.this[each.key].arn}/*",
    ]

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
    sid     = "DenyOldTLS"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this[each.key].arn,
      "${aws_s3_bucket.this[each.key].arn}/*",
    ]

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
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id
  policy = data.aws_iam_policy_document.tls_only[each.key].json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# --- The logs bucket ------------------------------------------------------------------------

resource "aws_s3_bucket" "logs" {
  bucket = local.logs_name

  tags = merge(var.tags, { Purpose = "S3 server access logs of the environment's buckets" })
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.log_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 7
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.logs]
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "S3ServerAccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/s3/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]

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
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs.json

  depends_on = [aws_s3_bucket_public_access_block.logs]
}

# --- Replicas in a second region ------------------------------------------------------------
# A bucket with replicate = true is copied, version by version (delete markers included), to
# `<name>-replica` in the aws.replica provider's region: same protections, a key of that region,
# the same COMPLIANCE lock (the replica keeps each object's retention). A region's loss then
# loses neither the backups nor the audit trail.

data "aws_region" "replica" {
  provider = aws.replica
}

resource "aws_kms_key" "replica" {
  count    = length(local.replicated) > 0 ? 1 : 0
  provider = aws.replica

  description             = "${var.name_prefix}: object storage replicas"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })

  tags = var.tags
}

resource "aws_kms_alias" "replica" {
  count    = length(local.replicated) > 0 ? 1 : 0
  provider = aws.replica

  name          = "alias/${var.name_prefix}-object-storage-replicas"
  target_key_id = aws_kms_key.replica[0].key_id
}

resource "aws_s3_bucket" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket              = "${var.name_prefix}-${each.key}-replica"
  object_lock_enabled = each.value.object_lock_days > 0

  tags = merge(var.tags, { Purpose = "replica: ${each.value.purpose}" })
}

resource "aws_s3_bucket_ownership_controls" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket = aws_s3_bucket.replica[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket                  = aws_s3_bucket.replica[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket = aws_s3_bucket.replica[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket = aws_s3_bucket.replica[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.replica[0].arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_object_lock_configuration" "replica" {
  for_each = { for key, bucket in local.replicated : key => bucket if bucket.object_lock_days > 0 }
  provider = aws.replica

  bucket = aws_s3_bucket.replica[each.key].id

  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = each.value.object_lock_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.replica]
}

# Deletions replicate as delete markers; what the source's lifecycle removes for good, the
# replica removes on the same schedule.
resource "aws_s3_bucket_lifecycle_configuration" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket = aws_s3_bucket.replica[each.key].id

  rule {
    id     = "noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = each.value.noncurrent_expire_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  dynamic "rule" {
    for_each = each.value.expire_days > 0 ? [each.value.expire_days] : []

    content {
      id     = "expire"
      status = "Enabled"

      filter {}

      expiration {
        days = rule.value
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.replica]
}

data "aws_iam_policy_document" "replica_tls_only" {
  for_each = local.replicated

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.replica[each.key].arn,
      "${aws_s3_bucket.replica[each.key].arn}/*",
    ]

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
}

resource "aws_s3_bucket_policy" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket = aws_s3_bucket.replica[each.key].id
  policy = data.aws_iam_policy_document.replica_tls_only[each.key].json

  depends_on = [aws_s3_bucket_public_access_block.replica]
}

data "aws_iam_policy_document" "replication_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "replication" {
  count = length(local.replicated) > 0 ? 1 : 0

  name                 = "${var.name_prefix}-s3-replication"
  assume_role_policy   = data.aws_iam_policy_document.replication_assume.json
  permissions_boundary = var.permissions_boundary

  tags = var.tags
}

# Read the replicated buckets' versions, write them to their replicas; the source key to read,
# the replica key to write, each only through S3 in its region.
data "aws_iam_policy_document" "replication" {
  count = length(local.replicated) > 0 ? 1 : 0

  statement {
    sid       = "SourceBuckets"
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [for key, bucket in local.replicated : aws_s3_bucket.this[key].arn]
  }

  statement {
    sid       = "SourceVersions"
    actions   = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"]
    resources = [for key, bucket in local.replicated : "${aws_s3_bucket.this[key].arn}/*"]
  }

  statement {
    sid       = "ReplicaObjects"
    actions   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"]
    resources = [for key, bucket in local.replicated : "${aws_s3_bucket.replica[key].arn}/*"]
  }

  statement {
    sid       = "DecryptSource"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.buckets.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
    }
  }

  statement {
    sid       = "EncryptReplica"
    actions   = ["kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.replica[0].arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.replica.name}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "replication" {
  count = length(local.replicated) > 0 ? 1 : 0

  name   = "replicate-to-${data.aws_region.replica.name}"
  role   = aws_iam_role.replication[0].id
  policy = data.aws_iam_policy_document.replication[0].json
}

resource "aws_s3_bucket_replication_configuration" "this" {
  for_each = local.replicated

  bucket = aws_s3_bucket.this[each.key].id
  role   = aws_iam_role.replication[0].arn

  rule {
    id     = "to-${data.aws_region.replica.name}"
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
      bucket = aws_s3_bucket.replica[each.key].arn

      encryption_configuration {
        replica_kms_key_id = aws_kms_key.replica[0].arn
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.this, aws_s3_bucket_versioning.replica]
}
