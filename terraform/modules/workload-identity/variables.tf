variable "name_prefix" {
  type        = string
  description = "Prefix of the roles' names, e.g. gamemetrics-prod (role `<name_prefix>-<workload>`)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 4-32 characters of lowercase letters, digits and hyphens."
  }
}

variable "oidc_provider_arn" {
  type        = string
  description = "ARN of the cluster's IAM OIDC provider (kubernetes-cluster's oidc_provider_arn)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/.+$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be an IAM OIDC provider ARN."
  }
}

variable "oidc_issuer" {
  type        = string
  description = "The cluster's service account issuer without https:// (kubernetes-cluster's oidc_issuer)."

  validation {
    condition     = !startswith(var.oidc_issuer, "https://") && length(var.oidc_issuer) > 0
    error_message = "oidc_issuer must be the issuer host and path, without https://."
  }
}

variable "bucket_kms_key_arn" {
  type        = string
  description = "KMS key the buckets are encrypted with (object-storage's kms_key_arn): the bucket roles may use it, for S3 only."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.bucket_kms_key_arn))
    error_message = "bucket_kms_key_arn must be a KMS key ARN."
  }
}

variable "postgres_backup" {
  type = object({
    namespace       = string
    service_account = string
    bucket_arn      = string
    prefix          = string
  })
  description = "CloudNativePG's Barman Cloud plugin (WAL archive and base backups): its Cluster's service account, the backups bucket and the prefix it writes under (barman's server name, the Cluster's name, plus /). null: no role."
  default     = null

  validation {
    condition     = var.postgres_backup == null || can(regex("^[a-z0-9][a-z0-9-]*/$", var.postgres_backup.prefix))
    error_message = "postgres_backup.prefix must be a folder name ending in / (e.g. gamemetrics/)."
  }

  validation {
    condition     = var.postgres_backup == null || try(can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.postgres_backup.namespace)) && can(regex("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", var.postgres_backup.service_account)), false)
    error_message = "postgres_backup: namespace and service_account must be Kubernetes names."
  }

  validation {
    condition     = var.postgres_backup == null || try(can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]+$", var.postgres_backup.bucket_arn)), false)
    error_message = "postgres_backup: bucket ARNs must be S3 bucket ARNs (arn:aws:s3:::name)."
  }
}

variable "velero" {
  type = object({
    namespace       = string
    service_account = string
    bucket_arn      = string
  })
  description = "Velero (cluster resource backups and EBS snapshots): its service account and its bucket. null: no role."
  default     = null

  validation {
    condition     = var.velero == null || try(can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.velero.namespace)) && can(regex("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", var.velero.service_account)), false)
    error_message = "velero: namespace and service_account must be Kubernetes names."
  }

  validation {
    condition     = var.velero == null || try(can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]+$", var.velero.bucket_arn)), false)
    error_message = "velero: bucket ARNs must be S3 bucket ARNs (arn:aws:s3:::name)."
  }
}

variable "cert_manager" {
  type = object({
    namespace       = string
    service_account = string
    hosted_zone_id  = string
  })
  description = "cert-manager's DNS-01 solver: its service account and the one hosted zone it may write _acme-challenge TXT records in. null: no role."
  default     = null

  validation {
    condition     = var.cert_manager == null || can(regex("^Z[A-Z0-9]{4,31}$", var.cert_manager.hosted_zone_id))
    error_message = "cert_manager.hosted_zone_id must be a Route 53 hosted zone ID (Z...)."
  }

  validation {
    condition     = var.cert_manager == null || try(can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.cert_manager.namespace)) && can(regex("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", var.cert_manager.service_account)), false)
    error_message = "cert_manager: namespace and service_account must be Kubernetes names."
  }
}

variable "vault_unseal" {
  type = object({
    namespace       = string
    service_account = string
  })
  description = "Vault's auto-unseal (seal \"awskms\"): its service account. Creates the unseal key and a role that may use only it. null: neither."
  default     = null

  validation {
    condition     = var.vault_unseal == null || try(can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.vault_unseal.namespace)) && can(regex("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", var.vault_unseal.service_account)), false)
    error_message = "vault_unseal: namespace and service_account must be Kubernetes names."
  }
}

variable "minio_offload" {
  type = object({
    namespace          = string
    service_account    = string
    archive_bucket_arn = string
    audit_bucket_arn   = string
  })
  description = "The MinIO tenant's copy outside the cluster: its remote tier for retention's archives (archive bucket) and the audit anchors' locked copy (audit bucket, audit-log/ and retention-audit/ only, no delete). null: no role."
  default     = null

  validation {
    condition     = var.minio_offload == null || try(can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.minio_offload.namespace)) && can(regex("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", var.minio_offload.service_account)), false)
    error_message = "minio_offload: namespace and service_account must be Kubernetes names."
  }

  validation {
    condition     = var.minio_offload == null || try(can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]+$", var.minio_offload.archive_bucket_arn)) && can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]+$", var.minio_offload.audit_bucket_arn)), false)
    error_message = "minio_offload: bucket ARNs must be S3 bucket ARNs (arn:aws:s3:::name)."
  }
}

variable "load_balancer_controller" {
  type = object({
    namespace       = string
    service_account = string
    cluster_name    = string
  })
  description = "The AWS Load Balancer Controller (the Istio gateway's NLB, `aws-load-balancer-type: external`): its service account and the cluster whose load balancers it manages (it may change only resources tagged elbv2.k8s.aws/cluster=<cluster_name>). Run with WAF and Shield off. null: no role."
  default     = null

  validation {
    condition     = var.load_balancer_controller == null || try(can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.load_balancer_controller.namespace)) && can(regex("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", var.load_balancer_controller.service_account)), false)
    error_message = "load_balancer_controller: namespace and service_account must be Kubernetes names."
  }

  validation {
    condition     = var.load_balancer_controller == null || try(length(var.load_balancer_controller.cluster_name) > 0, false)
    error_message = "load_balancer_controller.cluster_name must be set."
  }
}

variable "permissions_boundary" {
  type        = string
  description = "ARN of the IAM policy set as permissions boundary of every role this module creates (terraform/bootstrap's gamemetrics-workload-boundary: the CI apply roles may create roles only with it). null: none."
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary))
    error_message = "permissions_boundary must be null or an IAM policy ARN."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource (the provider's default_tags come on top)."
  default     = {}
}
