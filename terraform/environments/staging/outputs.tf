output "environment" {
  description = "Everything the staging environment exports (modules/environment/outputs.tf): cluster, buckets, workload roles, DNS."
  value       = module.environment
}
