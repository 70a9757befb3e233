"""edges.peer_of names a rule's peer as the call graph does, destinations by address included."""
from __future__ import annotations

import unittest

import edges

PUBLIC = {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}
DESTINATIONS = {
    "postgres": {"namespace": "databases", "podLabels": {"cnpg.io/cluster": "gamemetrics"}, "ports": [5432]},
    "smtp": {"ipBlocks": [PUBLIC], "ports": [587, 465]},
    "internet": {"ipBlocks": [PUBLIC], "ports": [443]},
}


class PeerOfTests(unittest.TestCase):
    def test_destinations_sharing_an_address_block_are_told_apart_by_port(self):
        rule_peer = {"ipBlock": PUBLIC}
        self.assertEqual(edges.peer_of(rule_peer, {}, DESTINATIONS, {}, [443]), "internet")
        self.assertEqual(edges.peer_of(rule_peer, {}, DESTINATIONS, {}, [587, 465]), "smtp")

    def test_a_port_no_destination_of_that_block_has_is_no_edge(self):
        self.assertIsNone(edges.peer_of({"ipBlock": PUBLIC}, {}, DESTINATIONS, {}, [25]))

    def test_an_unknown_block_is_no_edge(self):
        self.assertIsNone(edges.peer_of({"ipBlock": {"cidr": "10.1.2.3/32"}}, {}, DESTINATIONS, {}, [443]))

    def test_selectors_are_matched_as_before(self):
        peer = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "databases"}},
                "podSelector": {"matchLabels": {"cnpg.io/cluster": "gamemetrics"}}}
        self.assertEqual(edges.peer_of(peer, {}, DESTINATIONS, {}, [5432]), "postgres")
        self.assertEqual(edges.peer_of({"podSelector": {"matchLabels": {"app.kubernetes.io/name": "user"}}},
                                       {}, DESTINATIONS, {"user": {}}), "user")


if __name__ == "__main__":
    unittest.main()
