variable "region" {
  type        = string
  description = "Region of the state bucket (the environments' backend blocks name the same)."
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "state_bucket" {
  type        = string
  description = "Name of the bucket holding every root's state (the backend blocks name it literally)."
  default     = "gamemetrics-terraform-state"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,56}[a-z0-9]$", var.state_bucket)) && !startswith(var.state_bucket, "xn--") && !startswith(var.state_bucket, "sthree-")
    error_message = "state_bucket must be 3-58 lowercase letters, digits and hyphens (no dots: TLS to virtual-hosted names; <name>-logs must fit S3's 63), not starting with xn-- or sthree-."
  }
}

variable "github_repository" {
  type        = string
  description = "owner/name of the only GitHub repository whose workflows may assume the CI roles."
  default     = "gamemetrics/gamemetrics-pro"

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}

variable "apply_branch" {
  type        = string
  description = "The branch whose workflow runs may apply dev and staging (a job on it without a GitHub environment)."
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+$", var.apply_branch)) && !can(regex("[*]", var.apply_branch))
    error_message = "apply_branch must be one branch name, without wildcards."
  }
}

variable "prod_environment" {
  type        = string
  description = "The GitHub environment (with required reviewers, deployable from main only) whose jobs may apply prod."
  default     = "prod"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+$", var.prod_environment))
    error_message = "prod_environment must be a GitHub environment name."
  }
}

variable "apex_domain" {
  type        = string
  description = "The public apex domain: its hosted zone is created here (delegated at the registrar by hand); prod serves in it, dev and staging get delegated subzones."
  default     = "gamemetrics.example"

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.apex_domain))
    error_message = "apex_domain must be a lowercase DNS name without a trailing dot."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource through the provider's default_tags."
  default = {
    Project   = "gamemetrics-pro"
    ManagedBy = "terraform/bootstrap"
  }
}
