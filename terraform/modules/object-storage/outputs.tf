output "bucket_names" {
  description = "Bucket name by key (the values files' bucket settings)."
  value       = { for key, bucket in module.bucket : key => bucket.id }
}

output "bucket_arns" {
  description = "Bucket ARN by key (IAM policies)."
  value       = { for key, bucket in module.bucket : key => bucket.arn }
}

output "logs_bucket_name" {
  description = "Bucket receiving the S3 server access logs (and other AWS access logs the environment sends there)."
  value       = module.logs.id
}

output "kms_key_arn" {
  description = "KMS key encrypting the buckets: a role writing or reading them needs kms:GenerateDataKey / kms:Decrypt on it."
  value       = aws_kms_key.buckets.arn
}

output "replica_bucket_names" {
  description = "Replica bucket name by key, for the buckets with replicate = true (in the aws.replica region)."
  value       = { for key, bucket in module.replica : key => bucket.id }
}
