terraform {
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
  }

  # State in the bucket terraform/bootstrap creates; the lock is a lock file beside it
  # (S3 conditional writes, Terraform >= 1.10), so no DynamoDB table is needed.
  backend "s3" {
    bucket       = "gamemetrics-terraform-state"
    key          = "environments/prod/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    kms_key_id   = "alias/gamemetrics-terraform-state"
    use_lockfile = true
  }
}
