# The prod environment's root: its own state (versions.tf), the providers, and one call of
# modules/environment with prod's values.
#
# prod: NAT per zone, system and workload nodes in every zone, a year of logs, the audit
# anchor's copies locked for seven years. The domain is the apex zone terraform/bootstrap
# creates (the gateway serves events.gamemetrics.example and the other public names there).

locals {
  region         = "eu-west-1"
  replica_region = "eu-central-1"
  tags = {
    Project     = "gamemetrics-pro"
    Environment = "prod"
    ManagedBy   = "terraform/environments/prod"
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

  environment        = "prod"
  region             = local.region
  replica_region     = local.replica_region
  zones              = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  network_cidr       = "10.30.0.0/16"
  single_nat_gateway = false
  kubernetes_version = "1.33"
  public_endpoint    = false
  admin_role_names   = ["gamemetrics-platform-admin"]

  node_groups = {
    system = {
      instance_types = ["m7i.xlarge"]
      capacity_type  = "ON_DEMAND"
      min_size       = 3
      max_size       = 6
      desired_size   = 3
      disk_size_gib  = 50
      labels         = {}
      taints         = [{ key = "gamemetrics.io/system", value = "true", effect = "NO_SCHEDULE" }]
    }
    workload = {
      instance_types = ["m7i.2xlarge"]
      capacity_type  = "ON_DEMAND"
      min_size       = 6
      max_size       = 24
      desired_size   = 6
      disk_size_gib  = 100
      labels         = {}
      taints         = []
    }
  }

  domain      = "gamemetrics.example"
  create_zone = false

  log_retention_days     = 365
  audit_lock_days        = 2555
  archive_expire_days    = 2555
  replicated_buckets     = ["audit", "postgres-backups"]
  backup_noncurrent_days = 30
}
