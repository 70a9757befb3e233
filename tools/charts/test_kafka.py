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

    def test_describing_a_group_nobody_consumes_or_ones_own_is_refused(self):
        users = copy.deepcopy(kafka.chart_values()["users"])
        self.assertEqual(kafka.describe_problems(users), [])
        users["analytics-api"]["describes"] = [{"topic": "player.events.raw", "group": "procesor"},
                                               {"topic": "privacy.erasure", "group": "analytics-api-erasure"}]
        found = "\n".join(kafka.describe_problems(users))
        self.assertIn("KafkaUser analytics-api describes group procesor on player.events.raw, which no KafkaUser consumes", found)
        self.assertIn("KafkaUser analytics-api describes its own group analytics-api-erasure", found)

    def test_describes_grants_describe_only_so_a_second_reader_of_a_group_is_refused(self):
        manifests = copy.deepcopy(kafka.rendered())
        self.assertEqual(kafka.group_read_problems(manifests), [])
        analytics = next(m for m in manifests if m["kind"] == "KafkaUser" and m["metadata"]["name"] == "analytics-api")
        acls = analytics["spec"]["authorization"]["acls"]
        processor_group = next(a for a in acls if a["resource"] == {"type": "group", "name": "processor", "patternType": "literal"})
        self.assertEqual(processor_group["operations"], ["Describe"])
        self.assertFalse(any(a["resource"]["name"] == "player.events.raw" and "Read" in a["operations"] for a in acls))
        processor_group["operations"] = ["Read", "Describe"]
        acls.append({"resource": {"type": "group", "name": "analytics-", "patternType": "prefix"}, "operations": ["Read"], "host": "*"})
        found = "\n".join(kafka.group_read_problems(manifests))
        self.assertIn("consumer group processor may be Read by 2 KafkaUsers ['analytics-api', 'processor']", found)
        self.assertIn("KafkaUser analytics-api may Read every group matching analytics- (prefix)", found)


if __name__ == "__main__":
    unittest.main()
