# IAM roles for service accounts (IRSA): one role per platform workload that talks to AWS and
# supports web identity natively, each trusting exactly one service account of this cluster (and
# the sts.amazonaws.com audience), each with an inline policy naming only its own resources.
# The services' own S3 clients do not use these: they speak to the in-cluster MinIO with static
# keys from Vault (README: which workload uses what, and why).

data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition

  # The workloads switched on, by name, with their service account.
  workloads = merge(
    var.postgres_backup == null ? {} : { "postgres-backup" = { namespace = var.postgres_backup.namespace, service_account = var.postgres_backup.service_account } },
    var.velero == null ? {} : { "velero" = { namespace = var.velero.namespace, service_account = var.velero.service_account } },
    var.cert_manager == null ? {} : { "cert-manager" = { namespace = var.cert_manager.namespace, service_account = var.cert_manager.service_account } },
    var.vault_unseal == null ? {} : { "vault-unseal" = { namespace = var.vault_unseal.namespace, service_account = var.vault_unseal.service_account } },
    var.minio_offload == null ? {} : { "minio-offload" = { namespace = var.minio_offload.namespace, service_account = var.minio_offload.service_account } },
    var.load_balancer_controller == null ? {} : { "load-balancer-controller" = { namespace = var.load_balancer_controller.namespace, service_account = var.load_balancer_controller.service_account } },
  )
}

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "assume" {
  for_each = local.workloads

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${var.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${each.value.namespace}:${each.value.service_account}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${var.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = local.workloads

  name                 = "${var.name_prefix}-${each.key}"
  description          = "IRSA: ${each.value.namespace}/${each.value.service_account}"
  assume_role_policy   = data.aws_iam_policy_document.assume[each.key].json
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary

  tags = var.tags
}

# The buckets' key, for the roles that read or write the environment's buckets (object-storage's
# SSE-KMS key): generate data keys and decrypt, only through S3 in this region (kms:ViaService),
# so the role cannot use the key directly. Each bucket role's policy includes it
# (source_policy_documents).
data "aws_iam_policy_document" "bucket_key_through_s3" {
  statement {
    sid       = "BucketKeyThroughS3"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.bucket_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}

# --- CloudNativePG backups: its prefix of the backups bucket --------------------------------

data "aws_iam_policy_document" "postgres_backup" {
  count                   = var.postgres_backup == null ? 0 : 1
  source_policy_documents = [data.aws_iam_policy_document.bucket_key_through_s3.json]

  statement {
    sid       = "ListOwnPrefix"
    actions   = ["s3:ListBucket"]
    resources = [var.postgres_backup.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["", var.postgres_backup.prefix, "${var.postgres_backup.prefix}*"]
    }
  }

  statement {
    sid       = "BucketLocation"
    actions   = ["s3:GetBucketLocation"]
    resources = [var.postgres_backup.bucket_arn]
  }

  # barman-cloud writes WAL and base backups, reads them back to restore, and deletes what the
  # retention policy (30 days) no longer needs.
  statement {
    sid       = "ObjectsUnderOwnPrefix"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    resources = ["${var.postgres_backup.bucket_arn}/${var.postgres_backup.prefix}*"]
  }
}

resource "aws_iam_role_policy" "postgres_backup" {
  count = var.postgres_backup == null ? 0 : 1

  name   = "backups-bucket-prefix"
  role   = aws_iam_role.this["postgres-backup"].id
  policy = data.aws_iam_policy_document.postgres_backup[0].json
}

# --- Velero: its bucket, and EBS snapshots it tagged ----------------------------------------

data "aws_iam_policy_document" "velero" {
  count                   = var.velero == null ? 0 : 1
  source_policy_documents = [data.aws_iam_policy_document.bucket_key_through_s3.json]

  statement {
    sid       = "ListBucket"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [var.velero.bucket_arn]
  }

  statement {
    sid       = "Objects"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    resources = ["${var.velero.bucket_arn}/*"]
  }

  # Describe calls cannot be scoped to resources.
  statement {
    sid       = "DescribeVolumesAndSnapshots"
    actions   = ["ec2:DescribeVolumes", "ec2:DescribeSnapshots"]
    resources = ["*"]
  }

  statement {
    sid       = "SnapshotAndRestore"
    actions   = ["ec2:CreateSnapshot", "ec2:CreateVolume", "ec2:CreateTags"]
    resources = ["arn:${local.partition}:ec2:*:*:volume/*", "arn:${local.partition}:ec2:*::snapshot/*"]
  }

  # Only snapshots Velero made (it tags each with its backup's name).
  statement {
    sid       = "DeleteOwnSnapshots"
    actions   = ["ec2:DeleteSnapshot"]
    resources = ["arn:${local.partition}:ec2:*::snapshot/*"]

    condition {
      test     = "Null"
      variable = "ec2:ResourceTag/velero.io/backup"
      values   = ["false"]
    }
  }
}

resource "aws_iam_role_policy" "velero" {
  count = var.velero == null ? 0 : 1

  name   = "velero-bucket-and-snapshots"
  role   = aws_iam_role.this["velero"].id
  policy = data.aws_iam_policy_document.velero[0].json
}

# --- cert-manager: ACME challenge records in one zone ---------------------------------------

data "aws_iam_policy_document" "cert_manager" {
  count = var.cert_manager == null ? 0 : 1

  statement {
    sid       = "ChallengeRecordsOnly"
    actions   = ["route53:ChangeResourceRecordSets"]
    resources = ["arn:${local.partition}:route53:::hostedzone/${var.cert_manager.hosted_zone_id}"]

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "route53:ChangeResourceRecordSetsRecordTypes"
      values   = ["TXT"]
    }

    condition {
      test     = "ForAllValues:StringLike"
      variable = "route53:ChangeResourceRecordSetsNormalizedRecordNames"
      values   = ["_acme-challenge.*"]
    }
  }

  statement {
    sid       = "ReadZone"
    actions   = ["route53:ListResourceRecordSets"]
    resources = ["arn:${local.partition}:route53:::hostedzone/${var.cert_manager.hosted_zone_id}"]
  }

  statement {
    sid       = "WaitForChange"
    actions   = ["route53:GetChange"]
    resources = ["arn:${local.partition}:route53:::change/*"]
  }

  # cert-manager looks the zone up by name when the issuer does not pin it; not resource-scoped.
  statement {
    sid       = "FindZone"
    actions   = ["route53:ListHostedZonesByName"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "cert_manager" {
  count = var.cert_manager == null ? 0 : 1

  name   = "acme-dns01-one-zone"
  role   = aws_iam_role.this["cert-manager"].id
  policy = data.aws_iam_policy_document.cert_manager[0].json
}

# --- Vault: the unseal key, usable only by Vault's role -------------------------------------

# Key policy: AWS's default shape (the account administers the key; IAM policies grant its use, so
# a principal uses it only where an IAM policy allows it). Written inline: in a key policy "*" is
# this key, which checkov's identity-policy checks would misread.
resource "aws_kms_key" "vault_unseal" {
  count = var.vault_unseal == null ? 0 : 1

  description             = "${var.name_prefix}: Vault auto-unseal"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })

  tags = var.tags
}

resource "aws_kms_alias" "vault_unseal" {
  count = var.vault_unseal == null ? 0 : 1

  name          = "alias/${var.name_prefix}-vault-unseal"
  target_key_id = aws_kms_key.vault_unseal[0].key_id
}

data "aws_iam_policy_document" "vault_unseal" {
  count = var.vault_unseal == null ? 0 : 1

  statement {
    sid       = "UnsealKey"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]
    resources = [aws_kms_key.vault_unseal[0].arn]
  }
}

resource "aws_iam_role_policy" "vault_unseal" {
  count = var.vault_unseal == null ? 0 : 1

  name   = "unseal-key"
  role   = aws_iam_role.this["vault-unseal"].id
  policy = data.aws_iam_policy_document.vault_unseal[0].json
}

# --- MinIO's copies outside the cluster -----------------------------------------------------

data "aws_iam_policy_document" "minio_offload" {
  count                   = var.minio_offload == null ? 0 : 1
  source_policy_documents = [data.aws_iam_policy_document.bucket_key_through_s3.json]

  statement {
    sid       = "ListBuckets"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [var.minio_offload.archive_bucket_arn, var.minio_offload.audit_bucket_arn]
  }

  # The remote tier: MinIO moves archives there, reads them back, and deletes them when
  # retention's lifecycle expires them.
  statement {
    sid       = "ArchiveTier"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${var.minio_offload.archive_bucket_arn}/*"]
  }

  # The audit anchors' copy: write and read under the user service's and retention's prefixes,
  # never delete (object lock keeps every version anyway).
  statement {
    sid     = "AuditAnchorCopy"
    actions = ["s3:PutObject", "s3:GetObject"]
    resources = [
      "${var.minio_offload.audit_bucket_arn}/audit-log/*",
      "${var.minio_offload.audit_bucket_arn}/retention-audit/*",
    ]
  }
}

resource "aws_iam_role_policy" "minio_offload" {
  count = var.minio_offload == null ? 0 : 1

  name   = "archive-tier-and-audit-copy"
  role   = aws_iam_role.this["minio-offload"].id
  policy = data.aws_iam_policy_document.minio_offload[0].json
}

# --- AWS Load Balancer Controller: the load balancers of its own cluster ----------------------
# The controller tags everything it creates with elbv2.k8s.aws/cluster=<cluster name>; changes
# and deletions are allowed only on resources carrying this cluster's tag, so one environment's
# controller cannot touch another's load balancers in the same account. WAF, Shield and Cognito
# are left out (the controller runs with them disabled: the gateway is an NLB).

locals {
  lbc_cluster = var.load_balancer_controller == null ? "" : var.load_balancer_controller.cluster_name
  elb_arn     = "arn:${local.partition}:elasticloadbalancing:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"
}

data "aws_iam_policy_document" "load_balancer_controller" {
  count = var.load_balancer_controller == null ? 0 : 1

  statement {
    sid       = "ServiceLinkedRole"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["arn:${local.partition}:iam::${data.aws_caller_identity.current.account_id}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["elasticloadbalancing.amazonaws.com"]
    }
  }

  # Describe calls take no resource. (No Outposts: no customer-owned IP pools.)
  statement {
    sid = "Describe"
    actions = [
      "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones",
      "ec2:DescribeInternetGateways", "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets",
      "ec2:DescribeSecurityGroups", "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags",
      "ec2:DescribeRouteTables",
      "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:DescribeListenerCertificates", "elasticloadbalancing:DescribeSSLPolicies",
      "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores",
      "acm:ListCertificates",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "DescribeScoped"
    actions   = ["ec2:GetSecurityGroupsForVpc", "acm:DescribeCertificate"]
    resources = ["arn:${local.partition}:ec2:*:*:vpc/*", "arn:${local.partition}:acm:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:certificate/*"]
  }

  # Its own security groups: created tagged with this cluster (the tags come with the create
  # call), changed and deleted only so tagged.
  statement {
    sid       = "CreateSecurityGroup"
    actions   = ["ec2:CreateSecurityGroup"]
    resources = ["arn:${local.partition}:ec2:*:*:security-group/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = [local.lbc_cluster]
    }
  }

  statement {
    sid       = "CreateSecurityGroupInVpc"
    actions   = ["ec2:CreateSecurityGroup"]
    resources = ["arn:${local.partition}:ec2:*:*:vpc/*"]
  }

  statement {
    sid       = "TagNewSecurityGroup"
    actions   = ["ec2:CreateTags"]
    resources = ["arn:${local.partition}:ec2:*:*:security-group/*"]

    condition {
      test     = "StringEquals"
      variable = "ec2:CreateAction"
      values   = ["CreateSecurityGroup"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = [local.lbc_cluster]
    }
  }

  statement {
    sid       = "OwnSecurityGroups"
    actions   = ["ec2:CreateTags", "ec2:DeleteTags", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"]
    resources = ["arn:${local.partition}:ec2:*:*:security-group/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = [local.lbc_cluster]
    }
  }

  # The nodes' security group: rules letting the load balancer reach the pods (the controller
  # adds them to the cluster's shared security group, which it did not create).
  statement {
    sid       = "BackendRules"
    actions   = ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"]
    resources = ["arn:${local.partition}:ec2:*:*:security-group/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/kubernetes.io/cluster/${local.lbc_cluster}"
      values   = ["owned"]
    }
  }

  statement {
    sid       = "CreateLoadBalancers"
    actions   = ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"]
    resources = ["${local.elb_arn}:targetgroup/*/*", "${local.elb_arn}:loadbalancer/net/*/*", "${local.elb_arn}:loadbalancer/app/*/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = [local.lbc_cluster]
    }
  }

  statement {
    sid       = "TagOnCreate"
    actions   = ["elasticloadbalancing:AddTags"]
    resources = ["${local.elb_arn}:targetgroup/*/*", "${local.elb_arn}:loadbalancer/net/*/*", "${local.elb_arn}:loadbalancer/app/*/*"]

    condition {
      test     = "StringEquals"
      variable = "elasticloadbalancing:CreateAction"
      values   = ["CreateTargetGroup", "CreateLoadBalancer"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = [local.lbc_cluster]
    }
  }

  statement {
    sid = "OwnLoadBalancers"
    actions = [
      "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
      "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
      "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:CreateListener",
    ]
    resources = ["${local.elb_arn}:targetgroup/*/*", "${local.elb_arn}:loadbalancer/net/*/*", "${local.elb_arn}:loadbalancer/app/*/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = [local.lbc_cluster]
    }
  }

  # Listeners and rules carry no cluster tag of their own; they belong to load balancers above.
  statement {
    sid = "Listeners"
    actions = [
      "elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:AddListenerCertificates",
      "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:CreateRule",
      "elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyRule",
      "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
    ]
    resources = ["${local.elb_arn}:listener/net/*/*/*", "${local.elb_arn}:listener/app/*/*/*", "${local.elb_arn}:listener-rule/net/*/*/*/*", "${local.elb_arn}:listener-rule/app/*/*/*/*"]
  }

  statement {
    sid       = "Targets"
    actions   = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]
    resources = ["${local.elb_arn}:targetgroup/*/*"]
  }
}

resource "aws_iam_role_policy" "load_balancer_controller" {
  count = var.load_balancer_controller == null ? 0 : 1

  name   = "own-cluster-load-balancers"
  role   = aws_iam_role.this["load-balancer-controller"].id
  policy = data.aws_iam_policy_document.load_balancer_controller[0].json
}
