output "state_bucket" {
  description = "Bucket of every root's state (the backend blocks' bucket)."
  value       = module.state.id
}

output "state_key_arn" {
  description = "KMS key encrypting the state (alias/gamemetrics-terraform-state)."
  value       = aws_kms_key.state.arn
}

output "apex_zone_id" {
  description = "Hosted zone of the apex domain; delegate it at the registrar to apex_name_servers."
  value       = aws_route53_zone.apex.zone_id
}

output "apex_name_servers" {
  description = "Name servers to set at the registrar for the apex domain."
  value       = aws_route53_zone.apex.name_servers
}

output "ci_plan_role_arn" {
  description = "Role of the pull-request plan job (role-to-assume of aws-actions/configure-aws-credentials)."
  value       = aws_iam_role.ci_plan.arn
}

output "ci_apply_role_arn" {
  description = "Role of the apply job for dev and staging (main, no GitHub environment)."
  value       = aws_iam_role.ci_apply.arn
}

output "ci_apply_prod_role_arn" {
  description = "Role of the prod apply job (GitHub environment prod)."
  value       = aws_iam_role.ci_apply_prod.arn
}

output "platform_admin_role_arn" {
  description = "The platform team's role (cluster-admin in every environment)."
  value       = aws_iam_role.platform_admin.arn
}

output "workload_boundary_arn" {
  description = "Permissions boundary the environments' roles carry (modules' permissions_boundary)."
  value       = aws_iam_policy.workload_boundary.arn
}
