output "zone_id" {
  description = "Hosted zone ID of the domain (cert-manager's ClusterIssuer hostedZoneID, the cert-manager role's zone)."
  value       = local.zone_id
}

output "zone_arn" {
  description = "ARN of the hosted zone."
  value       = local.zone_arn
}

output "name_servers" {
  description = "Name servers of the zone (to delegate by hand when no parent zone is managed here)."
  value       = local.name_servers
}

output "certificate_arn" {
  description = "ARN of the validated ACM certificate, null when certificate is false."
  value       = var.certificate ? aws_acm_certificate_validation.this[0].certificate_arn : null
}
