variable "name" {
  type        = string
  description = "The bucket's name (global across AWS accounts: carry the environment), e.g. gamemetrics-prod-audit."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.name)) && !startswith(var.name, "xn--") && !startswith(var.name, "sthree-") && !endswith(var.name, "-s3alias") && !endswith(var.name, "--ol-s3") && !endswith(var.name, "--x-s3")
    error_message = "name must be 3-63 characters of lowercase letters, digits and hyphens (no dots: TLS to virtual-hosted names), starting and ending with a letter or digit, without S3's reserved prefixes (xn--, sthree-) and suffixes (-s3alias, --ol-s3, --x-s3)."
  }
}

variable "purpose" {
  type        = string
  description = "What the bucket holds: its Purpose tag."

  validation {
    condition     = length(trimspace(var.purpose)) > 0 && length(var.purpose) <= 256
    error_message = "purpose must be a non-empty tag value of at most 256 characters."
  }
}

# An intended difference: a bucket receiving S3 server access logs is SSE-S3 and lets the log
# delivery service write; every other bucket is SSE-KMS.
variable "access_logs" {
  type        = bool
  description = "true for a target of S3 server access logs: SSE-S3 (AES256) instead of SSE-KMS, because S3 delivers server access logs only to SSE-S3 buckets; a policy statement letting logging.s3.amazonaws.com of this account put objects under s3/; kms_key_arn, logging and replication must then be null."
  default     = false
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the KMS key of the bucket's default encryption (SSE-KMS, bucket keys on); a key in the region of the provider the module is called with. null (only) when access_logs is true."
  default     = null

  validation {
    condition     = var.access_logs ? var.kms_key_arn == null : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias or a key id; and null for an access_logs bucket (SSE-S3)."
  }
}

variable "object_lock_days" {
  type        = number
  description = "Default retention of every object version in COMPLIANCE mode (nobody, the account's root included, can delete a version or shorten its lock before then); 0 for no object lock. The bucket is created with object lock when > 0 (it cannot be added later)."

  validation {
    condition     = var.object_lock_days >= 0 && floor(var.object_lock_days) == var.object_lock_days
    error_message = "object_lock_days must be a whole number >= 0."
  }
}

variable "noncurrent_expire_days" {
  type        = number
  description = "Overwritten or deleted object versions are removed after this many days. In a locked bucket at least object_lock_days (a locked version cannot be removed earlier)."

  validation {
    condition     = var.noncurrent_expire_days >= 1 && floor(var.noncurrent_expire_days) == var.noncurrent_expire_days
    error_message = "noncurrent_expire_days must be a whole number >= 1."
  }

  validation {
    condition     = var.object_lock_days == 0 || var.noncurrent_expire_days >= var.object_lock_days
    error_message = "a locked bucket's noncurrent_expire_days must be at least its object_lock_days."
  }
}

variable "expire_days" {
  type        = number
  description = "Current objects are deleted after this many days; 0 never (writers that manage their own retention: barman, Velero). Not shorter than object_lock_days, and after archive_after_days."

  validation {
    condition     = var.expire_days >= 0 && floor(var.expire_days) == var.expire_days
    error_message = "expire_days must be a whole number >= 0."
  }

  validation {
    condition     = var.expire_days == 0 || (var.expire_days >= var.object_lock_days && (var.archive_after_days == 0 || var.expire_days > var.archive_after_days))
    error_message = "expire_days must not be shorter than object_lock_days, and must come after archive_after_days."
  }
}

# An intended difference: object-storage archives only the primary buckets; a replica keeps its
# copies in STANDARD (0) and only mirrors the source's expiry.
variable "archive_after_days" {
  type        = number
  description = "Current objects move to Glacier Instant Retrieval after this many days; 0 never."

  validation {
    condition     = var.archive_after_days == 0 || (var.archive_after_days >= 30 && floor(var.archive_after_days) == var.archive_after_days)
    error_message = "archive_after_days must be 0 or a whole number of at least 30 (S3 charges a 30-day minimum for the colder classes)."
  }
}

# An intended difference: primary buckets log to the environment's logs bucket; replicas have no
# access logs (S3 delivers them only to a bucket in the same region).
variable "logging" {
  type = object({
    target_bucket = string
    target_prefix = string
  })
  description = "Server access logs: the bucket they go to (same region, a bucket of this module with access_logs = true) and the key prefix (under s3/, ending in /), or null for none (an access_logs bucket: null)."

  validation {
    condition     = var.logging == null ? true : (!var.access_logs && length(var.logging.target_bucket) > 0 && startswith(var.logging.target_prefix, "s3/") && endswith(var.logging.target_prefix, "/"))
    error_message = "logging needs a target_bucket and a target_prefix under s3/ ending in / (where the logs bucket lets S3 write), or must be null; an access_logs bucket logs nowhere."
  }
}

# An intended difference: the replication rule lives on the primary (source) bucket only.
variable "replication" {
  type = object({
    rule_id                 = string
    role_arn                = string
    destination_bucket_arn  = string
    destination_kms_key_arn = string
  })
  description = "Cross-region replication of every new version and delete marker (the source must be SSE-KMS, as every bucket of this module is): the rule's id, the IAM role S3 replicates as, the destination bucket's ARN (its versioned_arn output) and the KMS key ARN the copies are encrypted with there; null for none."

  validation {
    condition = var.replication == null ? true : (
      length(var.replication.rule_id) > 0 &&
      can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.replication.role_arn)) &&
      can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.replication.destination_bucket_arn)) &&
      can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.replication.destination_kms_key_arn))
    )
    error_message = "replication needs a rule_id, an IAM role ARN, a bucket ARN and a KMS key ARN, or must be null."
  }

  validation {
    condition     = var.replication == null || !var.access_logs
    error_message = "an access_logs bucket (SSE-S3) is not replicated by this module."
  }
}

# An intended difference: the Terraform state bucket aborts incomplete uploads after 1 day.
variable "abort_incomplete_upload_days" {
  type        = number
  description = "Incomplete multipart uploads are aborted after this many days."
  default     = 7

  validation {
    condition     = var.abort_incomplete_upload_days >= 1 && floor(var.abort_incomplete_upload_days) == var.abort_incomplete_upload_days
    error_message = "abort_incomplete_upload_days must be a whole number >= 1."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags of the bucket (its Purpose tag is added; the provider's default_tags come on top)."
  default     = {}
}
