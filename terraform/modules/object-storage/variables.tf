variable "name_prefix" {
  type        = string
  description = "Prefix of every bucket name (bucket `<name_prefix>-<key>`), e.g. gamemetrics-prod. Bucket names are global: the prefix carries the environment."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 4-32 characters of lowercase letters, digits and hyphens."
  }
}

variable "buckets" {
  type = map(object({
    purpose                = string
    object_lock_days       = number
    expire_days            = number
    noncurrent_expire_days = number
    archive_after_days     = number
    replicate              = bool
  }))
  description = <<-EOT
    Buckets by key (bucket name `<name_prefix>-<key>`), each versioned, encrypted with the
    module's KMS key, closed to the public, TLS-only and logged to the logs bucket.
    purpose: what the bucket holds (a tag). object_lock_days: default retention of every object
    version in COMPLIANCE mode (nobody, root included, can delete or shorten it), 0 for no lock.
    expire_days: current objects are deleted after this many days, 0 never (for buckets whose
    writer manages retention itself, e.g. barman, Velero). noncurrent_expire_days: overwritten or
    deleted versions are removed after this many days. archive_after_days: objects move to
    Glacier Instant Retrieval after this many days, 0 never. replicate: every new object version
    (and delete marker) is copied to a replica bucket `<name>-replica` in the `aws.replica`
    provider's region, under a key of that region, with the same object lock.
  EOT

  validation {
    condition     = alltrue([for key in keys(var.buckets) : can(regex("^[a-z][a-z0-9-]{1,28}[a-z0-9]$", key))])
    error_message = "bucket keys must be 3-30 characters of lowercase letters, digits and hyphens."
  }

  validation {
    condition = alltrue([for bucket in values(var.buckets) :
      bucket.object_lock_days >= 0 && bucket.expire_days >= 0 && bucket.noncurrent_expire_days >= 1 && bucket.archive_after_days >= 0
    ])
    error_message = "object_lock_days, expire_days and archive_after_days must be >= 0; noncurrent_expire_days >= 1."
  }

  validation {
    condition = alltrue([for bucket in values(var.buckets) :
      bucket.expire_days == 0 || (bucket.expire_days >= bucket.object_lock_days && (bucket.archive_after_days == 0 || bucket.expire_days > bucket.archive_after_days))
    ])
    error_message = "expire_days must not be shorter than object_lock_days, and must come after archive_after_days."
  }

  validation {
    condition     = alltrue([for bucket in values(var.buckets) : bucket.object_lock_days == 0 || bucket.noncurrent_expire_days >= bucket.object_lock_days])
    error_message = "a locked bucket's noncurrent_expire_days must be at least its object_lock_days (a locked version cannot be removed earlier)."
  }

  validation {
    condition     = alltrue([for bucket in values(var.buckets) : bucket.archive_after_days == 0 || bucket.archive_after_days >= 30])
    error_message = "archive_after_days must be 0 or at least 30 (S3 charges a 30-day minimum for the colder classes)."
  }
}

variable "permissions_boundary" {
  type        = string
  description = "ARN of the IAM policy set as permissions boundary of the replication role (terraform/bootstrap's gamemetrics-workload-boundary). null: none."
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary))
    error_message = "permissions_boundary must be null or an IAM policy ARN."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days the S3 server access logs are kept in the logs bucket."
  default     = 365

  validation {
    condition     = var.log_retention_days >= 7
    error_message = "log_retention_days must be at least 7."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource (the provider's default_tags come on top)."
  default     = {}
}
