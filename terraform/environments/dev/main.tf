# The dev environment's root: its own state (versions.tf), the providers, and one call of
# modules/environment with dev's values.
#
# dev: one NAT gateway, small nodes (workload on spot), a one-day audit lock
# (a COMPLIANCE lock cannot be shortened: dev's test objects must be deletable soon).

locals {
  region         = "eu-west-1"
  replica_region = "eu-central-1"
  tags = {
    Project     = "gamemetrics-pro"
    Environment = "dev"
    ManagedBy   = "terraform/environments/dev"
  }
}

provider "aws" {
  region = local.region

  default_tags {
    tags = local.tags
  }
}

# The second region, where the buckets listed in replicated_buckets are copied.
provider "aws" {
  alias  = "replica"
  region = local.replica_region

  default_tags {
    tags = local.tags
  }
}

module "environment" {
  source = "../../modules/environment"

  providers = {
    aws         = aws
    aws.replica = aws.replica
  }

  environment        = "dev"
  region             = local.region
  replica_region     = local.replica_region
  zones              = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  network_cidr       = "10.10.0.0/16"
  single_nat_gateway = true
  kubernetes_version = "1.33"
  public_endpoint    = false
  admin_role_names   = ["gamemetrics-platform-admin"]

  node_groups = {
    system = {
      instance_types = ["m7i.large"]
      capacity_type  = "ON_DEMAND"
      min_size       = 2
      max_size       = 3
      desired_size   = 2
      disk_size_gib  = 50
      labels         = {}
      taints         = [{ key = "gamemetrics.io/system", value = "true", effect = "NO_SCHEDULE" }]
    }
    workload = {
      instance_types = ["m7i.xlarge", "m6i.xlarge", "m7a.xlarge"]
      capacity_type  = "SPOT"
      min_size       = 3
      max_size       = 6
      desired_size   = 3
      disk_size_gib  = 80
      labels         = {}
      taints         = []
    }
  }

  domain        = "dev.gamemetrics.example"
  create_zone   = true
  parent_domain = "gamemetrics.example"

  log_retention_days     = 365
  audit_lock_days        = 1
  archive_expire_days    = 90
  replicated_buckets     = []
  backup_noncurrent_days = 7
}
