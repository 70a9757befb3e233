variable "name" {
  type        = string
  description = "Name of the network and prefix of its resources' Name tags, e.g. gamemetrics-prod."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,38}[a-z0-9]$", var.name))
    error_message = "name must be 4-40 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "cidr" {
  type        = string
  description = "IPv4 range of the whole network (/16 to /20). Private subnets get one eighth of it per zone, public subnets one sixty-fourth."

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && can(regex("/(1[6-9]|20)$", var.cidr))
    error_message = "cidr must be an IPv4 CIDR block between /16 and /20, e.g. 10.20.0.0/16."
  }
}

variable "zones" {
  type        = list(string)
  description = "Availability zones the network spans, one public and one private subnet in each. Kafka's rack awareness and prod's zone spread need three."

  validation {
    condition     = length(var.zones) >= 3 && length(var.zones) <= 6 && length(distinct(var.zones)) == length(var.zones)
    error_message = "zones must list 3 to 6 distinct availability zones."
  }

  validation {
    condition     = alltrue([for zone in var.zones : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z]$", zone))])
    error_message = "each zone must be an availability zone name such as eu-west-1a."
  }
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for every zone (dev: cheaper, but losing its zone cuts every private subnet off the internet) instead of one per zone."
  default     = false
}

variable "cluster_name" {
  type        = string
  description = "Name of the Kubernetes cluster using the subnets: tags them so the load balancer controller finds them. Empty for none."
  default     = ""

  validation {
    condition     = var.cluster_name == "" || can(regex("^[a-zA-Z][a-zA-Z0-9_-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must be empty or an EKS cluster name."
  }
}

variable "flow_log_retention_days" {
  type        = number
  description = "Days the VPC flow logs are kept in CloudWatch Logs."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
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
