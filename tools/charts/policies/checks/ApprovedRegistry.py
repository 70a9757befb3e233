"""checkov custom check CKV_GM_2, the offline counterpart of Kyverno's restrict-image-registries
(charts/platform-policies): every container's image is under global.imageRegistry of
charts/platform-values.yaml, the value the policy is rendered with."""
from __future__ import annotations

import pathlib
from typing import Any

import yaml
from checkov.common.models.enums import CheckResult
from checkov.kubernetes.checks.resource.base_container_check import BaseK8sContainerCheck

PLATFORM_VALUES = pathlib.Path(__file__).resolve().parents[4] / "charts" / "platform-values.yaml"


def approved_registry() -> str:
    return yaml.safe_load(PLATFORM_VALUES.read_text())["global"]["imageRegistry"]


class ApprovedRegistry(BaseK8sContainerCheck):
    def __init__(self) -> None:
        super().__init__(name="Images come only from the approved registry (global.imageRegistry)", id="CKV_GM_2")

    def scan_container_conf(self, metadata: dict[str, Any], conf: dict[str, Any]) -> CheckResult:
        self.evaluated_container_keys = ["image"]
        image = conf.get("image")
        if isinstance(image, str) and image.startswith(approved_registry() + "/"):
            return CheckResult.PASSED
        return CheckResult.FAILED


check = ApprovedRegistry()
