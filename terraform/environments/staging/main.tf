# The staging environment's root: its own state (versions.tf), the providers, and one call of
# modules/environment with staging's values.
#
# staging: prod's shape at a smaller size (NAT per zone, three system nodes, one per zone).

locals {
  region         = "eu-west-1"
  replica_region = "eu-central-1"
  tags = {
    Project     = "gamemetrics-pro"
    Environment = "staging"
    ManagedBy   = "terraform/environments/staging"
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

  environment        = "staging"
  region             = local.region
  replica_region     = local.replica_region
  zones              = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  network_cidr       = "10.20.0.0/16"
  single_nat_gateway = false
  kubernetes_version = "1.33"
  public_endpoint    = false
  admin_role_names   = ["gamemetrics-platform-admin"]

  node_groups = {
    system = {
      instance_types = ["m7i.large"]
      capacity_type  = "ON_DEMAND"
      min_size       = 3
      max_size       = 4
      desired_size   = 3
      disk_size_gib  = 50
      labels         = {}
      taints         = [{ key = "gamemetrics.io/system", value = "true", effect = "NO_SCHEDULE" }]
    }
    workload = {
      instance_types = ["m7i.2xlarge"]
      capacity_type  = "ON_DEMAND"
      min_size       = 3
      max_size       = 9
      desired_size   = 3
      disk_size_gib  = 100
      labels         = {}
      taints         = []
    }
  }

  domain        = "staging.gamemetrics.example"
  create_zone   = true
  parent_domain = "gamemetrics.example"

  log_retention_days     = 365
  audit_lock_days        = 30
  archive_expire_days    = 180
  replicated_buckets     = []
  backup_noncurrent_days = 14
}
