terraform {
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
      # The region replicas are written to (buckets with replicate = true).
      configuration_aliases = [aws.replica]
    }
  }
}
