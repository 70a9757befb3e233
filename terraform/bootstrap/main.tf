# What every other root needs before it can run: the state bucket (versioned, SSE-KMS, TLS only;
# locking is a lock file in it, Terraform >= 1.10), the apex DNS zone, GitHub Actions' OIDC
# provider and three roles: CI plan (pull requests, read-only), CI apply (main: dev and
# staging) and CI apply for prod (the `prod` GitHub environment only), plus the platform team's
# admin role the clusters' access entries name. Applied by a person, once and on change.

provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  github     = "token.actions.githubusercontent.com"
  state_arn  = "arn:${local.partition}:s3:::${var.state_bucket}"
  # State keys each apply role may write: the branch applies dev and staging, the prod
  # environment applies prod. Nobody but a person applies the bootstrap.
  apply_state_keys = {
    main = ["environments/dev/*", "environments/staging/*"]
    prod = ["environments/prod/*"]
  }
  # Roles CI must never change (its own, the bootstrap's).
  protected_roles = [
    "arn:${local.partition}:iam::${local.account_id}:role/gamemetrics-ci-*",
    "arn:${local.partition}:iam::${local.account_id}:role/gamemetrics-platform-admin",
  ]
}

# --- State ----------------------------------------------------------------------------------

# Key policy: AWS's default shape (the account administers the key; IAM policies grant its use, so
# a principal uses it only where an IAM policy allows it). Written inline: in a key policy "*" is
# this key, which checkov's identity-policy checks would misread.
resource "aws_kms_key" "state" {
  description             = "Terraform state of GameMetrics Pro"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_alias" "state" {
  name          = "alias/gamemetrics-terraform-state"
  target_key_id = aws_kms_key.state.key_id
}

# The state bucket: modules/object-storage/bucket's hardening (versioning, SSE-KMS with the state
# key, public access block, no ACLs, TLS 1.2+ only, access logs). What it sets on purpose: old
# state versions are the way back from a bad apply, kept 90 days; incomplete uploads (state
# objects are small) aborted after 1 day; no expiry, no archive, no object lock (the lock file
# must be deletable), one region.
module "state" {
  source = "../modules/object-storage/bucket"

  name                         = var.state_bucket
  purpose                      = "Terraform state of every root"
  kms_key_arn                  = aws_kms_key.state.arn
  object_lock_days             = 0
  noncurrent_expire_days       = 90
  expire_days                  = 0
  archive_after_days           = 0
  abort_incomplete_upload_days = 1
  logging = {
    target_bucket = module.state_logs.id
    target_prefix = "s3/${var.state_bucket}/"
  }
  replication = null
}

# prevent_destroy takes no variable, so the module cannot carry it: this guard depends on the
# state bucket and cannot be destroyed, so a plan that would destroy or replace the bucket
# (terraform destroy, a -target on it, a new name) fails, as prevent_destroy on the bucket did.
resource "terraform_data" "state_bucket_guard" {
  triggers_replace = [module.state.id]

  lifecycle {
    prevent_destroy = true
  }
}

# Server access logs of the state bucket (SSE-S3: S3 delivers access logs to no other kind):
# kept 365 days, overwritten versions 7 days.
module "state_logs" {
  source = "../modules/object-storage/bucket"

  name                         = "${var.state_bucket}-logs"
  purpose                      = "S3 server access logs of the Terraform state bucket"
  access_logs                  = true
  object_lock_days             = 0
  noncurrent_expire_days       = 7
  expire_days                  = 365
  archive_after_days           = 0
  abort_incomplete_upload_days = 1
  logging                      = null
  replication                  = null
}

# --- DNS ------------------------------------------------------------------------------------

# The apex zone: prod's names live here, dev and staging are delegated subzones of it.
resource "aws_route53_zone" "apex" {
  name    = var.apex_domain
  comment = "GameMetrics Pro apex zone (terraform/bootstrap)"

  lifecycle {
    prevent_destroy = true
  }
}

# --- GitHub Actions -------------------------------------------------------------------------

data "tls_certificate" "github" {
  url = "https://${local.github}/.well-known/openid-configuration"
}

resource "aws_iam_openid_connect_provider" "github" {
  url             = "https://${local.github}"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = [data.tls_certificate.github.certificates[length(data.tls_certificate.github.certificates) - 1].sha1_fingerprint]
}

# The ceiling of every role the environments create (the CI apply roles may create roles only
# with it): what EKS, its nodes and add-ons, flow logs and the platform workloads call, and no
# IAM, Organizations, Secrets Manager or STS beyond web identity.
data "aws_iam_policy_document" "workload_boundary" {
  statement {
    sid = "PlatformServices"
    actions = [
      "ec2:*", "elasticloadbalancing:*", "autoscaling:*", "eks:*", "eks-auth:AssumeRoleForPodIdentity",
      "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
      "ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:ListImages",
      "s3:*", "kms:*", "logs:*", "route53:*", "acm:DescribeCertificate", "acm:ListCertificates",
      "iam:CreateServiceLinkedRole", "sts:GetCallerIdentity",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "workload_boundary" {
  name        = "gamemetrics-workload-boundary"
  description = "Permissions boundary of every role terraform/environments creates"
  policy      = data.aws_iam_policy_document.workload_boundary.json
}

# Who may assume each CI role: GitHub's OIDC token for this repository, audience sts.amazonaws.com,
# and exactly one subject (no wildcard) per role:
# - plan: pull requests of the repository only (not forks' workflows: GitHub gives a
#   pull_request run from a fork no id-token);
# - apply: a push to the apply branch, in a job without a GitHub environment;
# - apply_prod: a job of the prod GitHub environment (its protection rules: required reviewers,
#   main only).
locals {
  ci_subjects = {
    plan       = "repo:${var.github_repository}:pull_request"
    apply      = "repo:${var.github_repository}:ref:refs/heads/${var.apply_branch}"
    apply_prod = "repo:${var.github_repository}:environment:${var.prod_environment}"
  }
}

data "aws_iam_policy_document" "ci_trust" {
  for_each = local.ci_subjects

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github}:sub"
      values   = [each.value]
    }
  }
}

# Plan: read the state (no lock: pull request plans run with -lock=false) and describe what the
# roots manage. No object of any other bucket, no secret, no write.
data "aws_iam_policy_document" "ci_plan" {
  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject"]
    resources = ["${local.state_arn}/environments/*"]
  }

  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [local.state_arn]
  }

  statement {
    sid       = "DecryptState"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = [aws_kms_key.state.arn]
  }

  # Bucket configuration only: HeadBucket needs s3:ListBucket (object names, never content).
  statement {
    sid = "DescribeBuckets"
    actions = [
      "s3:ListBucket", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketLocation", "s3:GetBucketLogging",
      "s3:GetBucketObjectLockConfiguration", "s3:GetBucketOwnershipControls", "s3:GetBucketPolicy",
      "s3:GetBucketPublicAccessBlock", "s3:GetBucketRequestPayment", "s3:GetBucketTagging",
      "s3:GetBucketVersioning", "s3:GetBucketWebsite", "s3:GetEncryptionConfiguration",
      "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:GetAccelerateConfiguration",
    ]
    resources = ["arn:${local.partition}:s3:::gamemetrics-*"]
  }

  # Describe and list calls, most of which IAM cannot scope to a resource.
  statement {
    sid = "DescribeInfrastructure"
    actions = [
      "ec2:Describe*", "eks:Describe*", "eks:List*", "autoscaling:Describe*",
      "iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
      "iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviderTags", "iam:ListRoleTags",
      "iam:GetPolicy", "iam:GetPolicyVersion",
      "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListResourceTags",
      "logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
      "route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListHostedZones",
      "route53:ListHostedZonesByName", "route53:ListTagsForResource", "route53:GetChange",
      "acm:DescribeCertificate", "acm:ListCertificates", "acm:ListTagsForCertificate",
    ]
    resources = ["*"]
  }
}

# Apply: create and change the environments' infrastructure, named gamemetrics-*, and write
# its own environments' state. It cannot touch the CI roles, the admin role or the state bucket's
# configuration (explicit denies win over every allow).
data "aws_iam_policy_document" "ci_apply" {
  for_each = local.apply_state_keys

  statement {
    sid       = "WriteOwnState"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [for key in each.value : "${local.state_arn}/${key}"]
  }

  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [local.state_arn]
  }

  statement {
    sid       = "UseStateKey"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [aws_kms_key.state.arn]
  }

  statement {
    sid       = "Network"
    actions   = ["ec2:*"]
    resources = ["*"]
  }

  statement {
    sid       = "Clusters"
    actions   = ["eks:*"]
    resources = ["*"]
  }

  # Bucket ARNs only: bucket configuration, never the objects in the environments' buckets.
  statement {
    sid       = "Buckets"
    actions   = ["s3:*"]
    resources = ["arn:${local.partition}:s3:::gamemetrics-*"]
  }

  statement {
    sid = "Keys"
    actions = [
      "kms:CreateKey", "kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias", "kms:DescribeKey",
      "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListResourceTags",
      "kms:EnableKeyRotation", "kms:PutKeyPolicy", "kms:TagResource", "kms:UntagResource",
      "kms:ScheduleKeyDeletion", "kms:UpdateKeyDescription", "kms:CreateGrant",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "LogGroups"
    actions   = ["logs:*"]
    resources = ["arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/eks/gamemetrics-*", "arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/vpc/gamemetrics-*"]
  }

  statement {
    sid       = "DescribeLogGroups"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
  }

  # Roles only with the workload boundary: a role CI creates can never do more than the
  # boundary allows (no IAM at all), whatever policy CI attaches to it.
  statement {
    sid       = "CreateBoundedRoles"
    actions   = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:AttachRolePolicy"]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/gamemetrics-*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [aws_iam_policy.workload_boundary.arn]
    }
  }

  statement {
    sid = "ManageRoles"
    actions = [
      "iam:GetRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
      "iam:TagRole", "iam:UntagRole", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies",
      "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRoleTags",
    ]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/gamemetrics-*"]
  }

  # Handing a role to EKS (cluster, nodes), flow logs or S3 replication; nothing else.
  statement {
    sid       = "PassRoles"
    actions   = ["iam:PassRole"]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/gamemetrics-*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["eks.amazonaws.com", "ec2.amazonaws.com", "vpc-flow-logs.amazonaws.com", "s3.amazonaws.com"]
    }
  }

  statement {
    sid = "ClusterIdentityProviders"
    actions = [
      "iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:GetOpenIDConnectProvider",
      "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint",
      "iam:ListOpenIDConnectProviderTags",
    ]
    resources = ["arn:${local.partition}:iam::${local.account_id}:oidc-provider/oidc.eks.*"]
  }

  statement {
    sid       = "ReadPolicies"
    actions   = ["iam:GetPolicy", "iam:GetPolicyVersion"]
    resources = ["arn:${local.partition}:iam::aws:policy/*", aws_iam_policy.workload_boundary.arn]
  }

  statement {
    sid       = "ServiceLinkedRoles"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["eks.amazonaws.com", "eks-nodegroup.amazonaws.com", "autoscaling.amazonaws.com", "elasticloadbalancing.amazonaws.com"]
    }
  }

  statement {
    sid       = "DnsAndCertificates"
    actions   = ["route53:*", "acm:*"]
    resources = ["*"]
  }

  statement {
    sid       = "NeverTheCIOrAdminRoles"
    effect    = "Deny"
    actions   = ["iam:*"]
    resources = local.protected_roles
  }

  statement {
    sid       = "NeverLiftTheBoundary"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:SetDefaultPolicyVersion"]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/*", aws_iam_policy.workload_boundary.arn]
  }

  statement {
    sid       = "NeverTheStateBucketConfiguration"
    effect    = "Deny"
    actions   = ["s3:DeleteBucket*", "s3:PutBucket*", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration", "s3:PutReplicationConfiguration"]
    resources = [local.state_arn, "${local.state_arn}-logs"]
  }

  # The apex zone belongs to the bootstrap: the environments only add records (prod) and
  # delegations (dev, staging) to it.
  statement {
    sid       = "NeverTheApexZone"
    effect    = "Deny"
    actions   = ["route53:DeleteHostedZone", "route53:UpdateHostedZoneComment", "route53:DisableHostedZoneDNSSEC", "route53:ChangeTagsForResource"]
    resources = [aws_route53_zone.apex.arn]
  }

  # Nothing Terraform needs, everything a stolen CI token would use to copy data out: Windows
  # passwords, sharing snapshots and images with another account.
  statement {
    sid       = "NoCopiesOut"
    effect    = "Deny"
    actions   = ["ec2:GetPasswordData", "ec2:ModifySnapshotAttribute", "ec2:ModifyImageAttribute", "ec2:CopySnapshot", "ec2:CreateSnapshot", "ec2:CreateSnapshots"]
    resources = ["*"]
  }

  statement {
    sid       = "NeverTheStateKey"
    effect    = "Deny"
    actions   = ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:CreateGrant"]
    resources = [aws_kms_key.state.arn]
  }
}

resource "aws_iam_role" "ci_plan" {
  name                 = "gamemetrics-ci-plan"
  description          = "GitHub Actions: terraform plan on pull requests of ${var.github_repository} (read-only)"
  assume_role_policy   = data.aws_iam_policy_document.ci_trust["plan"].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "ci_plan" {
  name   = "plan-read-only"
  role   = aws_iam_role.ci_plan.id
  policy = data.aws_iam_policy_document.ci_plan.json
}

resource "aws_iam_role" "ci_apply" {
  name                 = "gamemetrics-ci-apply"
  description          = "GitHub Actions: terraform apply of dev and staging from ${var.apply_branch} of ${var.github_repository}"
  assume_role_policy   = data.aws_iam_policy_document.ci_trust["apply"].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "ci_apply" {
  name   = "apply-dev-staging"
  role   = aws_iam_role.ci_apply.id
  policy = data.aws_iam_policy_document.ci_apply["main"].json
}

resource "aws_iam_role" "ci_apply_prod" {
  name                 = "gamemetrics-ci-apply-prod"
  description          = "GitHub Actions: terraform apply of prod from the ${var.prod_environment} environment of ${var.github_repository}"
  assume_role_policy   = data.aws_iam_policy_document.ci_trust["apply_prod"].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "ci_apply_prod" {
  name   = "apply-prod"
  role   = aws_iam_role.ci_apply_prod.id
  policy = data.aws_iam_policy_document.ci_apply["prod"].json
}

# --- The platform team's admin role ----------------------------------------------------------

# Assumable by people of this account with MFA (their SSO permission set grants sts:AssumeRole on
# it); the clusters' access entries make it cluster-admin. Its IAM permissions: find the clusters.
data "aws_iam_policy_document" "platform_admin_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

data "aws_iam_policy_document" "platform_admin" {
  statement {
    sid       = "DescribeClusters"
    actions   = ["eks:DescribeCluster"]
    resources = ["arn:${local.partition}:eks:${var.region}:${local.account_id}:cluster/gamemetrics-*"]
  }

  statement {
    sid       = "ListClusters"
    actions   = ["eks:ListClusters"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "platform_admin" {
  name                 = "gamemetrics-platform-admin"
  description          = "People of the platform team: cluster-admin through the clusters' EKS access entries"
  assume_role_policy   = data.aws_iam_policy_document.platform_admin_trust.json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "platform_admin" {
  name   = "find-clusters"
  role   = aws_iam_role.platform_admin.id
  policy = data.aws_iam_policy_document.platform_admin.json
}
