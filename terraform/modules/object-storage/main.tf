# The environment's buckets: each versioned, SSE-KMS with the module's key (bucket keys on),
# public access blocked, objects owned by the bucket owner (no ACLs), a policy refusing anything
# but TLS 1.2+, lifecycle rules, server access logs to the logs bucket, and object lock in
# COMPLIANCE mode where the bucket asks for it: all of it in ./bucket, which the primary buckets
# and their replicas both use, and the logs bucket too (SSE-S3: S3 delivers server access logs
# only to buckets whose default encryption is SSE-S3).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
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

module "bucket" {
  source   = "./bucket"
  for_each = var.buckets

  name                   = "${var.name_prefix}-${each.key}"
  purpose                = each.value.purpose
  kms_key_arn            = aws_kms_key.buckets.arn
  object_lock_days       = each.value.object_lock_days
  noncurrent_expire_days = each.value.noncurrent_expire_days
  expire_days            = each.value.expire_days
  archive_after_days     = each.value.archive_after_days
  logging = {
    target_bucket = module.logs.id
    target_prefix = "s3/${var.name_prefix}-${each.key}/"
  }
  replication = each.value.replicate ? {
    rule_id                 = "to-${data.aws_region.replica.name}"
    role_arn                = aws_iam_role.replication[0].arn
    destination_bucket_arn  = module.replica[each.key].versioned_arn
    destination_kms_key_arn = aws_kms_key.replica[0].arn
  } : null

  tags = var.tags
}

# --- The logs bucket ------------------------------------------------------------------------
# The same module as an access-logs target: SSE-S3 (S3 delivers server access logs only to
# SSE-S3 buckets), S3 log delivery of this account may write under s3/, no logs of its own.
# Logs expire after log_retention_days, overwritten versions after 7 days.

module "logs" {
  source = "./bucket"

  name                   = local.logs_name
  purpose                = "S3 server access logs of the environment's buckets"
  access_logs            = true
  object_lock_days       = 0
  noncurrent_expire_days = 7
  expire_days            = var.log_retention_days
  archive_after_days     = 0
  logging                = null
  replication            = null

  tags = var.tags
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

# The same bucket, with the differences that are intended: no archive transition (the copies
# stay in STANDARD; deletions replicate as delete markers, and what the source's lifecycle removes
# for good the replica removes on the same schedule), no access logs (S3 delivers them only to a
# bucket in the same region; there is no logs bucket in the replica region), and no replication
# rule of its own.
module "replica" {
  source   = "./bucket"
  for_each = local.replicated
  providers = {
    aws = aws.replica
  }

  name                   = "${var.name_prefix}-${each.key}-replica"
  purpose                = "replica: ${each.value.purpose}"
  kms_key_arn            = aws_kms_key.replica[0].arn
  object_lock_days       = each.value.object_lock_days
  noncurrent_expire_days = each.value.noncurrent_expire_days
  expire_days            = each.value.expire_days
  archive_after_days     = 0
  logging                = null
  replication            = null

  tags = var.tags
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
    resources = [for key, bucket in local.replicated : module.bucket[key].arn]
  }

  statement {
    sid       = "SourceVersions"
    actions   = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"]
    resources = [for key, bucket in local.replicated : "${module.bucket[key].arn}/*"]
  }

  statement {
    sid       = "ReplicaObjects"
    actions   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"]
    resources = [for key, bucket in local.replicated : "${module.replica[key].arn}/*"]
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
