# One environment: its network, EKS cluster, buckets, DNS zone and certificate, and the IAM
# roles of the platform workloads that reach AWS through workload identity. Each root of
# terraform/environments/ calls this module once with its values and configures the providers
# (README.md); the modules it calls are described in their READMEs.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  name = "gamemetrics-${var.environment}"
  # Every role the roots create carries this boundary (terraform/bootstrap); the CI apply roles
  # cannot create a role without it.
  permissions_boundary = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:policy/gamemetrics-workload-boundary"
  admin_roles          = [for name in var.admin_role_names : "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/${name}"]
}

module "network" {
  source = "../network"

  name                    = local.name
  cidr                    = var.network_cidr
  zones                   = var.zones
  single_nat_gateway      = var.single_nat_gateway
  cluster_name            = local.name
  flow_log_retention_days = var.log_retention_days
  permissions_boundary    = local.permissions_boundary
}

module "cluster" {
  source = "../kubernetes-cluster"

  name                  = local.name
  kubernetes_version    = var.kubernetes_version
  network_id            = module.network.network_id
  subnet_ids            = module.network.private_subnet_ids
  public_endpoint       = var.public_endpoint
  public_endpoint_cidrs = var.public_endpoint_cidrs
  node_groups           = var.node_groups
  admin_principal_arns  = local.admin_roles
  log_retention_days    = var.log_retention_days
  permissions_boundary  = local.permissions_boundary
}

# Bucket `gamemetrics-<environment>-<key>`. postgres-backups is the name charts/postgres's
# backup.bucket already uses in argocd/environments/<environment>/postgres.yaml.
module "storage" {
  source = "../object-storage"
  providers = {
    aws         = aws
    aws.replica = aws.replica
  }

  name_prefix          = local.name
  log_retention_days   = var.log_retention_days
  permissions_boundary = local.permissions_boundary
  buckets = {
    # retention's archives, as MinIO's remote tier (the services write to MinIO in the cluster).
    archive = {
      purpose                = "retention archives (MinIO remote tier)"
      object_lock_days       = 0
      expire_days            = var.archive_expire_days
      noncurrent_expire_days = 30
      archive_after_days     = 30
      replicate              = contains(var.replicated_buckets, "archive")
    }
    # The audit log's anchor, copied out of the cluster: every version locked (ADR 0009).
    audit = {
      purpose                = "audit log anchor copies (object lock COMPLIANCE)"
      object_lock_days       = var.audit_lock_days
      expire_days            = 0
      noncurrent_expire_days = var.audit_lock_days + 1
      archive_after_days     = 0
      replicate              = contains(var.replicated_buckets, "audit")
    }
    # CloudNativePG's WAL archive and base backups (barman's retention deletes what is no longer needed).
    postgres-backups = {
      purpose                = "PostgreSQL WAL archive and base backups (barman-cloud)"
      object_lock_days       = 0
      expire_days            = 0
      noncurrent_expire_days = var.backup_noncurrent_days
      archive_after_days     = 0
      replicate              = contains(var.replicated_buckets, "postgres-backups")
    }
    # Velero's backups of cluster resources (its schedules' TTL deletes them).
    cluster-backups = {
      purpose                = "Velero backups of cluster resources"
      object_lock_days       = 0
      expire_days            = 0
      noncurrent_expire_days = var.backup_noncurrent_days
      archive_after_days     = 0
      replicate              = contains(var.replicated_buckets, "cluster-backups")
    }
  }
}

module "dns" {
  source = "../dns-certificates"

  domain        = var.domain
  create_zone   = var.create_zone
  parent_domain = var.parent_domain
}

# Workload identity for the operators that support it natively; the service accounts are the
# ones the charts and upstream values name (modules/workload-identity/README.md).
module "identity" {
  source = "../workload-identity"

  name_prefix          = local.name
  oidc_provider_arn    = module.cluster.oidc_provider_arn
  oidc_issuer          = module.cluster.oidc_issuer
  bucket_kms_key_arn   = module.storage.kms_key_arn
  permissions_boundary = local.permissions_boundary

  # CloudNativePG runs the Cluster's pods (and the barman-cloud sidecar) as the service account
  # named after the Cluster; barman writes under <server name>/ = gamemetrics/.
  postgres_backup = {
    namespace       = "databases"
    service_account = "gamemetrics"
    bucket_arn      = module.storage.bucket_arns["postgres-backups"]
    prefix          = "gamemetrics/"
  }

  velero = {
    namespace       = "velero"
    service_account = "velero"
    bucket_arn      = module.storage.bucket_arns["cluster-backups"]
  }

  cert_manager = {
    namespace       = "cert-manager"
    service_account = "cert-manager"
    hosted_zone_id  = module.dns.zone_id
  }

  vault_unseal = {
    namespace       = "vault"
    service_account = "vault"
  }

  minio_offload = {
    namespace          = "minio"
    service_account    = "gamemetrics-minio"
    archive_bucket_arn = module.storage.bucket_arns["archive"]
    audit_bucket_arn   = module.storage.bucket_arns["audit"]
  }

  # The Istio gateway's Service asks for an NLB (`aws-load-balancer-type: external`), which only
  # this controller provides; it is not an Argo CD application yet (terraform/README.md).
  load_balancer_controller = {
    namespace       = "kube-system"
    service_account = "aws-load-balancer-controller"
    cluster_name    = local.name
  }
}
