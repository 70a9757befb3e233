# The environment's public hosted zone (created and delegated from the parent zone, or an existing
# one: prod uses the apex zone of terraform/bootstrap) and an ACM certificate for the domain and
# its wildcard, validated by DNS records in that zone. cert-manager's DNS-01
# solver writes its challenges into this zone too (workload-identity's cert-manager role).

locals {
  alternative_names = length(var.subject_alternative_names) > 0 ? var.subject_alternative_names : ["*.${var.domain}"]
  zone_id           = var.create_zone ? aws_route53_zone.this[0].zone_id : data.aws_route53_zone.existing[0].zone_id
  zone_arn          = var.create_zone ? aws_route53_zone.this[0].arn : data.aws_route53_zone.existing[0].arn
  name_servers      = var.create_zone ? aws_route53_zone.this[0].name_servers : data.aws_route53_zone.existing[0].name_servers
}

resource "aws_route53_zone" "this" {
  count = var.create_zone ? 1 : 0

  name    = var.domain
  comment = "GameMetrics Pro: ${var.domain} (Terraform)"

  tags = var.tags
}

data "aws_route53_zone" "existing" {
  count = var.create_zone ? 0 : 1

  name         = var.domain
  private_zone = false
}

data "aws_route53_zone" "parent" {
  count = var.create_zone && var.parent_domain != "" ? 1 : 0

  name         = var.parent_domain
  private_zone = false
}

resource "aws_route53_record" "delegation" {
  count = var.create_zone && var.parent_domain != "" ? 1 : 0

  zone_id = data.aws_route53_zone.parent[0].zone_id
  name    = var.domain
  type    = "NS"
  ttl     = 172800
  records = aws_route53_zone.this[0].name_servers
}

resource "aws_acm_certificate" "this" {
  count = var.certificate ? 1 : 0

  domain_name               = var.domain
  subject_alternative_names = local.alternative_names
  validation_method         = "DNS"
  key_algorithm             = "EC_prime256v1"

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# One record per name of the certificate, keyed by the name (known at plan time, unlike the
# record's own name). A wildcard and its apex ask for the same record: allow_overwrite lets the
# second write it again instead of failing.
resource "aws_route53_record" "validation" {
  for_each = var.certificate ? {
    for option in aws_acm_certificate.this[0].domain_validation_options : option.domain_name => {
      name   = option.resource_record_name
      type   = option.resource_record_type
      record = option.resource_record_value
    }
  } : {}

  zone_id         = local.zone_id
  name            = each.value.name
  type            = each.value.type
  ttl             = 300
  records         = [each.value.record]
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  count = var.certificate ? 1 : 0

  certificate_arn         = aws_acm_certificate.this[0].arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]

  depends_on = [aws_route53_record.delegation]
}
