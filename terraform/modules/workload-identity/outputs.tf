output "role_arns" {
  description = "IAM role ARN by workload (postgres-backup, velero, cert-manager, vault-unseal, minio-offload, load-balancer-controller): the eks.amazonaws.com/role-arn annotation of its service account."
  value       = { for name, role in aws_iam_role.this : name => role.arn }
}

output "service_accounts" {
  description = "The service account (namespace/name) each role trusts, by workload."
  value       = { for name, workload in local.workloads : name => "${workload.namespace}/${workload.service_account}" }
}

output "vault_unseal_key_id" {
  description = "ID of Vault's unseal key (VAULT_AWSKMS_SEAL_KEY_ID), null when vault_unseal is off."
  value       = var.vault_unseal == null ? null : aws_kms_key.vault_unseal[0].key_id
}
