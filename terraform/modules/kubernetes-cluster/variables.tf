variable "name" {
  type        = string
  description = "Name of the cluster, e.g. gamemetrics-prod."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,38}[a-z0-9]$", var.name))
    error_message = "name must be 4-40 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor version of the control plane and the node groups (\"1.33\"). Raised one minor at a time, after the charts' schemas and Pod Security labels (charts/platform-namespaces) are checked against it."

  validation {
    condition     = can(regex("^1\\.(3[0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be a minor version 1.30 to 1.39 written as \"1.NN\"."
  }
}

variable "network_id" {
  type        = string
  description = "ID of the VPC the cluster runs in."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.network_id))
    error_message = "network_id must be a VPC ID (vpc-...)."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets, one per zone, for the control plane's interfaces and the nodes."

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", id))])
    error_message = "subnet_ids must list at least two subnet IDs (subnet-...)."
  }
}

variable "public_endpoint" {
  type        = bool
  description = "Also expose the API server on a public endpoint, reachable only from public_endpoint_cidrs. Off: the API is reachable from inside the VPC only (CI then needs a runner in the VPC)."
  default     = false
}

variable "public_endpoint_cidrs" {
  type        = list(string)
  description = "Ranges allowed to reach the public API endpoint when public_endpoint is true. Never 0.0.0.0/0."
  default     = []

  validation {
    condition     = alltrue([for cidr in var.public_endpoint_cidrs : can(cidrhost(cidr, 0)) && cidr != "0.0.0.0/0"])
    error_message = "public_endpoint_cidrs must be IPv4 CIDR blocks, and not 0.0.0.0/0."
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
  description = "Managed node groups by name. `system` (tainted: only the platform's components that tolerate the taint run there) and `workload` (the services and the data stores) are required."

  validation {
    condition     = contains(keys(var.node_groups), "system") && contains(keys(var.node_groups), "workload")
    error_message = "node_groups must contain a `system` and a `workload` group."
  }

  validation {
    condition     = try(length(var.node_groups["system"].taints) > 0, false)
    error_message = "the `system` node group must carry at least one taint, so that only platform components run there."
  }

  validation {
    condition     = alltrue([for group in values(var.node_groups) : group.min_size >= 0 && group.min_size <= group.desired_size && group.desired_size <= group.max_size && group.max_size >= 1])
    error_message = "each node group needs 0 <= min_size <= desired_size <= max_size and max_size >= 1."
  }

  validation {
    condition     = alltrue([for group in values(var.node_groups) : contains(["ON_DEMAND", "SPOT"], group.capacity_type)])
    error_message = "capacity_type must be ON_DEMAND or SPOT."
  }

  validation {
    condition     = alltrue(flatten([for group in values(var.node_groups) : [for taint in group.taints : contains(["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"], taint.effect)]]))
    error_message = "a taint's effect must be NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE (EKS's spelling)."
  }

  validation {
    condition     = alltrue([for group in values(var.node_groups) : length(group.instance_types) > 0 && group.disk_size_gib >= 20])
    error_message = "each node group needs at least one instance type and a root disk of at least 20 GiB."
  }
}

variable "admin_principal_arns" {
  type        = list(string)
  description = "IAM roles given cluster-admin through EKS access entries (the platform team's role, the bootstrap). Nobody else, the cluster's creator included, is admin."
  default     = []

  validation {
    condition     = alltrue([for arn in var.admin_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "admin_principal_arns must be IAM role ARNs."
  }
}

variable "control_plane_log_types" {
  type        = list(string)
  description = "Control plane logs sent to CloudWatch Logs."
  default     = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  validation {
    condition     = alltrue([for type in var.control_plane_log_types : contains(["api", "audit", "authenticator", "controllerManager", "scheduler"], type)])
    error_message = "control_plane_log_types may contain api, audit, authenticator, controllerManager and scheduler."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days the control plane logs are kept."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts."
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
