"""checkov custom checks: the offline counterparts of Kyverno rules no built-in check matches (see ../mapping.yaml)."""
