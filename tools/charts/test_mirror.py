"""mirror.py catches what it claims to: a small repository tree (the mirror list, platform values,
an environment file, a chart) that passes, then each way a change can break it, with the problem
the check must name. Last, the repository itself passes."""
from __future__ import annotations

import pathlib
import tempfile
import textwrap
import unittest

import mirror

GOOD = {
    ".github/mirror-images.txt": """
        # A chart of upstream images
        quay.io/acme/operator:1.2.3
        docker.io/acme/agent:1.2.3
        quay.io/strimzi/operator:0.51.0
        quay.io/strimzi/kafka:0.51.0-kafka-4.1.0
        docker.io/istio/pilot:1.28.0
        docker.io/curlimages/curl:8.11.1@sha256:c1fe1679c34d9784c1b0d1e5f62ac0a79fca01fb6377cdd33e90473c6f9f9a69
        """,
    "argocd/platform/acme/values.yaml": """
        image:
          registry: ghcr.io
          repository: gamemetrics/mirror/acme/operator
          tag: 1.2.3
        agent:
          image: ghcr.io/gamemetrics/mirror/acme/agent:1.2.3
        """,
    "argocd/platform/strimzi/values.yaml": """
        defaultImageRegistry: ghcr.io
        defaultImageRepository: gamemetrics/mirror/strimzi
        defaultImageTag: 0.51.0
        """,
    "argocd/platform/istiod/values.yaml": """
        global: {hub: ghcr.io/gamemetrics/mirror/istio, tag: 1.28.0}
        topologyKey: topology.kubernetes.io/zone
        """,
    "argocd/environments/dev/acme.yaml": """
        replicas: 1
        """,
    "charts/platform-values.yaml": """
        global: {imageRegistry: ghcr.io/gamemetrics}
        """,
    "charts/user/values.yaml": """
        image: {repository: gamemetrics-user, tag: "", digest: ""}
        """,
    "charts/jobs/values.yaml": """
        image:
          repository: ghcr.io/gamemetrics/mirror/curlimages/curl
          digest: sha256:c1fe1679c34d9784c1b0d1e5f62ac0a79fca01fb6377cdd33e90473c6f9f9a69
        """,
}


def problems(changes: dict[str, str | None], exceptions: dict | None = None) -> str:
    files = {**GOOD, **changes}
    with tempfile.TemporaryDirectory() as directory:
        root = pathlib.Path(directory)
        for name, content in files.items():
            if content is not None:
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_text(textwrap.dedent(content))
        original = mirror.EXCEPTIONS
        mirror.EXCEPTIONS = exceptions or {}
        try:
            return "\n".join(mirror.problems(root))
        finally:
            mirror.EXCEPTIONS = original


def with_line(line: str) -> str:
    return GOOD[".github/mirror-images.txt"] + "        " + line + "\n"


class MirrorCheckCatchesBreakage(unittest.TestCase):
    def test_the_fixture_passes(self):
        self.assertEqual(problems({}), "")

    def test_a_mirrored_image_not_in_the_list_is_refused(self):
        found = problems({"argocd/platform/acme/values.yaml": GOOD["argocd/platform/acme/values.yaml"].replace("tag: 1.2.3", "tag: 1.2.4")})
        self.assertIn("argocd/platform/acme/values.yaml: image.repository names ghcr.io/gamemetrics/mirror/acme/operator:1.2.4, "
                      "which .github/mirror-images.txt does not mirror", found)

    def test_an_environment_override_of_the_tag_is_checked_and_blamed_on_the_environment(self):
        found = problems({"argocd/environments/dev/acme.yaml": "image: {tag: 9.9.9}\n"})
        self.assertIn("argocd/environments/dev/acme.yaml: image.repository names ghcr.io/gamemetrics/mirror/acme/operator:9.9.9", found)
        self.assertNotIn("argocd/platform/acme/values.yaml", found)

    def test_a_mirrored_image_without_its_tag_is_refused(self):
        found = problems({"argocd/platform/acme/values.yaml": "image: {registry: ghcr.io, repository: gamemetrics/mirror/acme/operator}\n"
                                                              "agent: {image: ghcr.io/gamemetrics/mirror/acme/agent:1.2.3}\n"})
        self.assertIn("image.repository names ghcr.io/gamemetrics/mirror/acme/operator without a tag", found)

    def test_a_hub_whose_tag_is_not_mirrored_is_refused(self):
        found = problems({"argocd/platform/istiod/values.yaml": "global: {hub: ghcr.io/gamemetrics/mirror/istio, tag: 1.29.0}\n"})
        self.assertIn("global.hub names ghcr.io/gamemetrics/mirror/istio:1.29.0 (for every image under it), which", found)
        self.assertIn("docker.io/istio/pilot:1.28.0 is mirrored, but no values file names", found)

    def test_a_stale_line_is_refused(self):
        found = problems({".github/mirror-images.txt": with_line("quay.io/acme/forgotten:0.1.0")})
        self.assertIn("quay.io/acme/forgotten:0.1.0 is mirrored, but no values file names "
                      "ghcr.io/gamemetrics/mirror/acme/forgotten:0.1.0: stale", found)

    def test_a_strimzi_prefix_does_not_cover_another_tag(self):
        found = problems({".github/mirror-images.txt": with_line("quay.io/strimzi/operator:0.50.0")})
        self.assertIn("quay.io/strimzi/operator:0.50.0 is mirrored, but no values file names", found)

    def test_third_party_registries_are_refused(self):
        cases = {
            "image: {registry: quay.io, repository: acme/operator, tag: 1.2.3}\n": "quay.io/acme/operator:1.2.3",
            "image: {repository: registry.k8s.io/kubectl, tag: v1.32.7}\n": "registry.k8s.io/kubectl:v1.32.7",
            "image: {repository: hashicorp/vault, tag: 1.20.4}\n": "docker.io/hashicorp/vault:1.20.4",
            "agent: {image: ghcr.io/acme/agent:1.2.3}\n": "ghcr.io/acme/agent:1.2.3",
            "sidecarImage: public.ecr.aws/acme/agent:1.2.3\n": "public.ecr.aws/acme/agent:1.2.3",
            "global: {imageRegistry: gcr.io}\n": "gcr.io (for every image under it)",
            "global: {hub: docker.io/istio, tag: 1.28.0}\n": "docker.io/istio:1.28.0 (for every image under it)",
        }
        for values, named in cases.items():
            with self.subTest(values=values):
                found = problems({"argocd/platform/extra/values.yaml": values})
                self.assertIn(f"argocd/platform/extra/values.yaml: ", found)
                self.assertIn(f"names {named}, outside ghcr.io/gamemetrics/", found)

    def test_an_exception_admits_a_registry_and_keeps_its_line_and_must_stay_needed(self):
        chart = {"charts/db/values.yaml": "imageName: ghcr.io/acme/postgresql:17.6\n",
                 ".github/mirror-images.txt": with_line("ghcr.io/acme/postgresql:17.6")}
        self.assertIn("names ghcr.io/acme/postgresql:17.6, outside", problems(chart))
        self.assertEqual(problems(chart, {("charts/db/values.yaml", "ghcr.io/acme/postgresql"): "not ours yet"}), "")
        self.assertIn("the exception for ghcr.io/acme/postgresql in charts/db/values.yaml is no longer needed",
                      problems({}, {("charts/db/values.yaml", "ghcr.io/acme/postgresql"): "not ours yet"}))

    def test_a_digest_other_than_the_lists_is_refused(self):
        other = "sha256:" + "0" * 64
        found = problems({"charts/jobs/values.yaml": f"image: {{repository: ghcr.io/gamemetrics/mirror/curlimages/curl, tag: 8.11.1, digest: '{other}'}}\n"})
        self.assertIn(f"pins {other}, .github/mirror-images.txt:", found)

    def test_malformed_and_duplicate_lines_are_refused(self):
        found = problems({".github/mirror-images.txt": with_line("acme/operator:1.2.3") + "        quay.io/acme/operator:1.2.3\n"})
        self.assertIn("'acme/operator:1.2.3' is not registry/repository:tag", found)
        self.assertIn("ghcr.io/gamemetrics/mirror/acme/operator:1.2.3 is mirrored twice", found)

    def test_the_repository_passes(self):
        self.assertEqual(mirror.problems(), [])


if __name__ == "__main__":
    unittest.main()
