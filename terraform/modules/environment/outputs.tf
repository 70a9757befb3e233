output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = module.cluster.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API server URL."
  value       = module.cluster.endpoint
}

output "kubernetes_version" {
  description = "Kubernetes minor the cluster runs (charts/platform-namespaces' podSecurityVersion should match)."
  value       = module.cluster.kubernetes_version
}

output "system_tolerations" {
  description = "Tolerations a platform component needs to run on the system node group."
  value       = module.cluster.system_tolerations
}

output "bucket_names" {
  description = "Bucket names by key: postgres-backups is charts/postgres's backup.bucket."
  value       = module.storage.bucket_names
}

output "replica_bucket_names" {
  description = "Replicas in replica_region of the buckets in replicated_buckets."
  value       = module.storage.replica_bucket_names
}

output "logs_bucket" {
  description = "Bucket of the S3 server access logs."
  value       = module.storage.logs_bucket_name
}

output "workload_role_arns" {
  description = "IRSA role ARN by workload: the eks.amazonaws.com/role-arn annotation of the service account named in workload_service_accounts."
  value       = module.identity.role_arns
}

output "workload_service_accounts" {
  description = "namespace/name of the service account each role trusts."
  value       = module.identity.service_accounts
}

output "vault_unseal_key_id" {
  description = "KMS key ID for Vault's seal \"awskms\" (VAULT_AWSKMS_SEAL_KEY_ID in argocd/environments/<env>/vault.yaml)."
  value       = module.identity.vault_unseal_key_id
}

output "hosted_zone_id" {
  description = "Route 53 zone of the environment's domain (charts/platform-certificates' acme.route53.hostedZoneID)."
  value       = module.dns.zone_id
}

output "certificate_arn" {
  description = "ACM certificate of the domain and its wildcard."
  value       = module.dns.certificate_arn
}

output "network_id" {
  description = "VPC ID (the load balancer controller's vpcId: pods cannot read it from the instance metadata)."
  value       = module.network.network_id
}

output "region" {
  description = "Region of the environment (the load balancer controller's region, Vault's AWS_REGION)."
  value       = var.region
}

output "nat_public_ips" {
  description = "Addresses the cluster reaches the internet from."
  value       = module.network.nat_public_ips
}
