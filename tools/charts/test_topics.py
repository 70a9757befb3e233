"""The topic check fires when a required value changes."""
from __future__ import annotations

import copy
import unittest

import topics


class TopicChecksCatchBreakage(unittest.TestCase):
    def test_the_rendered_topics_hold(self):
        self.assertEqual(topics.problems(topics.rendered()), [])

    def test_fewer_raw_partitions_a_compacted_raw_topic_or_two_replicas_are_refused(self):
        manifests = copy.deepcopy(topics.rendered())
        by_name = {m["spec"]["topicName"]: m["spec"] for m in manifests if m["kind"] == "KafkaTopic"}
        by_name["player.events.raw"]["partitions"] = 6
        by_name["player.events.processed"]["config"]["cleanup.policy"] = "delete"
        by_name["privacy.erasure"]["replicas"] = 2
        found = "\n".join(topics.problems(manifests))
        self.assertIn("topic player.events.raw", found)
        self.assertIn("topic player.events.processed", found)
        self.assertIn("topic privacy.erasure: replicas 2", found)

    def test_auto_created_topics_or_a_weaker_cluster_default_are_refused(self):
        manifests = copy.deepcopy(topics.rendered())
        cluster = next(m for m in manifests if m["kind"] == "Kafka")
        cluster["spec"]["kafka"]["config"]["auto.create.topics.enable"] = True
        cluster["spec"]["kafka"]["config"]["min.insync.replicas"] = 1
        found = "\n".join(topics.problems(manifests))
        self.assertIn("auto.create.topics.enable is True, required false", found)
        self.assertIn("min.insync.replicas is 1, required 2", found)
        del cluster["spec"]["kafka"]["config"]["auto.create.topics.enable"]
        self.assertIn("auto.create.topics.enable is None, required false", "\n".join(topics.problems(manifests)))


if __name__ == "__main__":
    unittest.main()
