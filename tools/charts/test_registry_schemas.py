"""The schema registration checks fire on a drifted request, a loose compatibility, a Job that
is not a PostSync hook, a Namespace, and an invalid or unnamed schema."""
from __future__ import annotations

import copy
import json
import pathlib
import tempfile
import unittest

import registry_schemas


class RegistrationChecksCatchBreakage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.values = registry_schemas.values_for("dev")
        cls.manifests = registry_schemas.rendered(cls.values)

    def test_the_rendered_chart_holds(self):
        self.assertEqual(registry_schemas.registration_problems("dev", self.manifests, self.values), [])
        self.assertEqual(registry_schemas.schema_problems(), [])

    def test_a_request_that_differs_from_docs_schemas_by_one_byte_is_refused(self):
        manifests = copy.deepcopy(self.manifests)
        config = next(m for m in manifests if m["kind"] == "ConfigMap")
        body = json.loads(config["data"]["player.events.raw-value.json"])
        body["schema"] = body["schema"].replace('"maxLength": 128', '"maxLength": 129')
        config["data"]["player.events.raw-value.json"] = json.dumps(body)
        found = "\n".join(registry_schemas.registration_problems("dev", manifests, self.values))
        self.assertIn("does not carry docs/schemas/player-event-record.schema.json exactly", found)

    def test_a_looser_compatibility_a_sync_phase_job_and_a_namespace_are_refused(self):
        manifests = copy.deepcopy(self.manifests)
        job = next(m for m in manifests if m["kind"] == "Job")
        del job["metadata"]["annotations"]["argocd.argoproj.io/hook"]
        manifests.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kafka"}})
        found = "\n".join(registry_schemas.registration_problems("dev", manifests, {**self.values, "compatibility": "NONE"}))
        self.assertIn("compatibility NONE is looser than BACKWARD", found)
        self.assertIn("must be a PostSync hook", found)
        self.assertIn("renders a Namespace", found)

    def test_a_script_that_bash_would_run_but_sh_would_not_is_refused(self):
        found = registry_schemas.script_problems("dev", "#!/bin/sh\nnames=(a b)\necho ${names[0]}\n")
        self.assertTrue(found, "arrays are not POSIX sh")

    def test_an_invalid_schema_and_a_missing_id_are_refused(self):
        with tempfile.TemporaryDirectory() as directory:
            folder = pathlib.Path(directory)
            (folder / "a.schema.json").write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "objekt"}))
            (folder / "b.schema.json").write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}))
            found = "\n".join(registry_schemas.schema_problems(folder))
        self.assertIn("a.schema.json: not a valid draft 2020-12 schema", found)
        self.assertIn("b.schema.json: needs an $id", found)


if __name__ == "__main__":
    unittest.main()
