output "id" {
  description = "The bucket's name."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "The bucket's ARN (IAM policies)."
  value       = aws_s3_bucket.this.arn
}

output "versioned_arn" {
  description = "The bucket's ARN, available only once its versioning is on: what a replication rule's destination takes."
  value       = aws_s3_bucket.this.arn
  depends_on  = [aws_s3_bucket_versioning.this]
}
