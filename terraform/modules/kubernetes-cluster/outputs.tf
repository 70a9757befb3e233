output "cluster_name" {
  description = "Name of the EKS cluster (aws eks update-kubeconfig --name ...)."
  value       = aws_eks_cluster.this.name
}

output "endpoint" {
  description = "URL of the Kubernetes API server."
  value       = aws_eks_cluster.this.endpoint
}

output "certificate_authority" {
  description = "Base64 PEM of the cluster's certificate authority."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "kubernetes_version" {
  description = "Kubernetes minor version the control plane runs."
  value       = aws_eks_cluster.this.version
}

output "oidc_provider_arn" {
  description = "ARN of the IAM OIDC provider of the cluster's service account issuer (trust policies of IRSA roles)."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "oidc_issuer" {
  description = "The service account issuer without https:// (the prefix of the :sub and :aud condition keys)."
  value       = local.oidc_issuer
}

output "cluster_security_group_id" {
  description = "Security group EKS created for the control plane and the nodes."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "node_role_arn" {
  description = "IAM role of the managed nodes."
  value       = aws_iam_role.node.arn
}

output "secrets_key_arn" {
  description = "KMS key that envelope-encrypts the cluster's Secrets."
  value       = aws_kms_key.secrets.arn
}

output "system_tolerations" {
  description = "Tolerations (Kubernetes spelling) a platform component needs to run on the system node group."
  value       = local.system_tolerations
}
