variable "environment" {
  type        = string
  description = "Environment this root manages: dev, staging or prod (names, tags, argocd/environments/<environment>)."

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "region" {
  type        = string
  description = "AWS region of the environment (charts/platform-certificates' route53.region must agree)."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "replica_region" {
  type        = string
  description = "Second region, where the buckets of replicated_buckets are copied (a region's loss then loses neither backups nor the audit trail)."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.replica_region)) && var.replica_region != var.region
    error_message = "replica_region must be an AWS region name other than region."
  }
}

variable "replicated_buckets" {
  type        = list(string)
  description = "Keys of the buckets copied to replica_region (of archive, audit, postgres-backups, cluster-backups)."

  validation {
    condition     = alltrue([for key in var.replicated_buckets : contains(["archive", "audit", "postgres-backups", "cluster-backups"], key)])
    error_message = "replicated_buckets may list archive, audit, postgres-backups and cluster-backups."
  }
}

variable "zones" {
  type        = list(string)
  description = "Three availability zones of the region (Kafka racks, PostgreSQL instances and prod's zone spread use one each)."

  validation {
    condition     = length(var.zones) == 3 && length(distinct(var.zones)) == 3
    error_message = "zones must list exactly three distinct availability zones."
  }
}

variable "network_cidr" {
  type        = string
  description = "IPv4 range of the environment's VPC; environments do not overlap, so they can be peered later."

  validation {
    condition     = can(cidrhost(var.network_cidr, 0)) && endswith(var.network_cidr, "/16")
    error_message = "network_cidr must be an IPv4 /16, e.g. 10.20.0.0/16."
  }
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for all zones (dev) instead of one per zone."
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor of the cluster, e.g. \"1.33\": the same in every environment except while an upgrade moves through them."

  validation {
    condition     = can(regex("^1\\.(3[0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be written \"1.NN\" (1.30 to 1.39)."
  }
}

variable "public_endpoint" {
  type        = bool
  description = "Expose the Kubernetes API on a public endpoint too (reachable only from public_endpoint_cidrs). false: the API is reachable from inside the VPC only."
}

variable "public_endpoint_cidrs" {
  type        = list(string)
  description = "Ranges that may reach the public API endpoint; required when public_endpoint is true."
  default     = []

  validation {
    condition     = alltrue([for cidr in var.public_endpoint_cidrs : can(cidrhost(cidr, 0)) && cidr != "0.0.0.0/0"])
    error_message = "public_endpoint_cidrs must be IPv4 CIDR blocks, never 0.0.0.0/0."
  }

  validation {
    condition     = !var.public_endpoint || length(var.public_endpoint_cidrs) > 0
    error_message = "public_endpoint_cidrs must list who may reach the public endpoint (EKS would otherwise open it to 0.0.0.0/0)."
  }
}

variable "node_groups" {
  type = map(object({
    instance_types = list(string)
    capacity_type  = string
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size_gib  = number
    labels         = map(string)
    taints = list(object({
      key    = string
      value  = string
      effect = string
    }))
  }))
  description = "The cluster's managed node groups (`system` tainted for platform components, `workload`); see modules/kubernetes-cluster."
}

variable "admin_role_names" {
  type        = list(string)
  description = "Names of IAM roles of this account that get cluster-admin through EKS access entries (terraform/bootstrap's gamemetrics-platform-admin). Nobody else is admin, Terraform's caller included."

  validation {
    condition     = length(var.admin_role_names) > 0 && alltrue([for name in var.admin_role_names : can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", name))])
    error_message = "admin_role_names must list at least one IAM role name (not an ARN)."
  }

  validation {
    condition     = length(var.admin_role_names) == length(distinct(var.admin_role_names))
    error_message = "admin_role_names must not repeat a name."
  }
}

variable "domain" {
  type        = string
  description = "The environment's DNS domain (the gateway's names, ACME challenges)."

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lowercase DNS name without a trailing dot."
  }
}

variable "create_zone" {
  type        = bool
  description = "Create the domain's hosted zone here (dev, staging: a delegated subdomain) or use the existing one (prod: the apex zone of terraform/bootstrap)."
}

variable "parent_domain" {
  type        = string
  description = "Domain whose zone delegates `domain` (empty when create_zone is false)."
  default     = ""

  validation {
    condition     = var.parent_domain == "" || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.parent_domain))
    error_message = "parent_domain must be empty or a lowercase DNS name without a trailing dot."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days flow logs and control plane logs are kept in CloudWatch Logs, and S3 access logs in the logs bucket."

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827], var.log_retention_days)
    error_message = "log_retention_days must be at least a year: one of 365, 400, 545, 731, 1096, 1827."
  }
}

variable "audit_lock_days" {
  type        = number
  description = "Days every version of the audit anchor's copy is locked in COMPLIANCE mode (nobody can delete it or shorten the lock)."

  validation {
    condition     = var.audit_lock_days >= 1 && var.audit_lock_days <= 3650
    error_message = "audit_lock_days must be between 1 and 3650."
  }
}

variable "archive_expire_days" {
  type        = number
  description = "Days retention's archives are kept before S3 deletes them."

  validation {
    condition     = var.archive_expire_days >= 90
    error_message = "archive_expire_days must be at least 90 (archives move to Glacier Instant Retrieval after 30)."
  }
}

variable "backup_noncurrent_days" {
  type        = number
  description = "Days a deleted or overwritten backup object stays recoverable (barman and Velero delete what their own retention no longer needs)."

  validation {
    condition     = var.backup_noncurrent_days >= 1 && var.backup_noncurrent_days <= 90
    error_message = "backup_noncurrent_days must be between 1 and 90."
  }
}
