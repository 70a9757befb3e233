variable "domain" {
  type        = string
  description = "The environment's DNS domain, e.g. dev.gamemetrics.example: the zone the gateway's names, the ACM certificate and the ACME challenges live in."

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lowercase DNS name without a trailing dot."
  }
}

variable "create_zone" {
  type        = bool
  description = "Create the hosted zone of `domain` (a subdomain per environment). false: use the existing zone of that name (prod uses the apex zone terraform/bootstrap creates)."
  default     = true
}

variable "parent_domain" {
  type        = string
  description = "Domain of the existing parent zone that delegates `domain` (NS records written there), e.g. gamemetrics.example. Empty: no delegation (create_zone false, or delegated by hand)."
  default     = ""

  validation {
    condition     = var.parent_domain == "" || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.parent_domain))
    error_message = "parent_domain must be empty or a lowercase DNS name without a trailing dot."
  }
}

variable "certificate" {
  type        = bool
  description = "Issue an ACM certificate for the domain and its first-level wildcard, validated through DNS in the zone (for a TLS listener on an AWS load balancer)."
  default     = true
}

variable "subject_alternative_names" {
  type        = list(string)
  description = "Names the certificate covers besides `domain`; empty means the wildcard *.<domain>."
  default     = []

  validation {
    condition     = alltrue([for name in var.subject_alternative_names : can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", name))])
    error_message = "subject_alternative_names must be lowercase DNS names (a leading *. allowed)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource (the provider's default_tags come on top)."
  default     = {}
}
