output "environment" {
  description = "Everything the prod environment exports (modules/environment/outputs.tf): cluster, buckets, workload roles, DNS."
  value       = module.environment
}
