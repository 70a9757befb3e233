"""checkov custom check CKV_GM_1, the offline counterpart of Kyverno's require-run-as-non-root
(charts/platform-policies): every container's effective runAsNonRoot is true, its own or, when
it sets none, the pod's. checkov's CKV_K8S_23 also passes a runAsUser above 0 without
runAsNonRoot, which the Kyverno rule refuses, hence this check."""
from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckResult
from checkov.kubernetes.checks.resource.base_root_container_check import BaseK8sRootContainerCheck


class RunAsNonRoot(BaseK8sRootContainerCheck):
    def __init__(self) -> None:
        super().__init__(name="Containers run as non-root (runAsNonRoot true, on the pod or every container)", id="CKV_GM_1")

    def scan_spec_conf(self, conf: dict[str, Any]) -> CheckResult:
        spec = self.extract_spec(conf)
        if not isinstance(spec, dict) or not isinstance(spec.get("containers"), list):
            return CheckResult.FAILED
        pod = self.check_runAsNonRoot(spec)
        for container in spec["containers"] + (spec.get("initContainers") or []):
            own = self.check_runAsNonRoot(container)
            if own == "FAILED" or (own == "ABSENT" and pod != "PASSED"):
                return CheckResult.FAILED
        return CheckResult.PASSED


check = RunAsNonRoot()
