output "environment" {
  description = "Everything the dev environment exports (modules/environment/outputs.tf): cluster, buckets, workload roles, DNS."
  value       = module.environment
}
