# The bootstrap's own state lives in the bucket it creates. The first apply runs without this
# file (README: move it aside, apply with local state, move it back, `terraform init
# -migrate-state`); every later run uses it.
terraform {
  backend "s3" {
    bucket       = "gamemetrics-terraform-state"
    key          = "bootstrap/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    kms_key_id   = "alias/gamemetrics-terraform-state"
    use_lockfile = true
  }
}
