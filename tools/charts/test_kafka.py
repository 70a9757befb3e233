"""The Kafka platform checks fire when the cluster, KEDA's principal or a service's credentials drift."""
from __future__ import annotations

import copy
import unittest
from unittest import mock

import kafka


class KafkaChecksCatchBreakage(unittest.TestCase):
    def test_every_environment_holds(self):
        with mock.patch("builtins.print"):
            self.assertEqual(kafka.problems(), [])

    def test_two_brokers_a_slow_disk_no_rack_or_a_plaintext_listener_are_refused(self):
        manifests = copy.deepcopy(kafka.rendered("prod"))
        brokers = next(m for m in manifests if m["kind"] == "KafkaNodePool" and m["metadata"]["name"] == "brokers")
        brokers["spec"]["replicas"] = 2
        brokers["spec"]["storage"]["volumes"][0]["class"] = "standard"
        cluster = next(m for m in manifests if m["kind"] == "Kafka")
        del cluster["spec"]["kafka"]["rack"]
        cluster["spec"]["kafka"]["listeners"][0]["authentication"]["type"] = "tls"
        found = "\n".join(kafka.cluster_problems("prod", manifests))
        self.assertIn("2 broker nodes", found)
        self.assertIn("storage class standard, not fast-ssd", found)
        self.assertIn("no rack awareness", found)
        self.assertIn("not TLS with SCRAM-SHA-512", found)

    def test_keda_reading_another_group_or_missing_the_triggers_is_refused(self):
        manifests = copy.deepcopy(kafka.rendered())
        keda = next(m for m in manifests if m["kind"] == "KafkaUser" and m["metadata"]["name"] == "keda")
        group = next(a for a in keda["spec"]["authorization"]["acls"] if a["resource"]["type"] == "group")
        group["resource"]["name"] = "other"
        found = "\n".join(kafka.keda_problems(manifests, kafka.service_renderings()))
        self.assertIn("lacks ('group', 'processor', 'Describe')", found)
        self.assertIn("grants ('group', 'other', 'Describe')", found)

    def test_a_service_reading_another_users_password_is_refused(self):
        values = kafka.chart_values()
        values["users"]["ingestion"]["passwordKey"] = "gamemetrics/kafka-someone-else"
        with mock.patch.object(kafka, "chart_values", return_value=values):
            found = "\n".join(kafka.service_user_problems([]))
        self.assertIn("ingestion: GM_KAFKA_SASL_PASSWORD", found)


if __name__ == "__main__":
    unittest.main()
