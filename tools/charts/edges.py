"""The edges the rendered service charts allow, as JSON on stdout:

    {"networkPolicy": [{"from", "to", "port"}...], "authorizationPolicy": [...], "halfOpen": [...]}

read back from the manifests (not from the call graph they were made from). A service-to-service
edge counts for NetworkPolicy only when the caller's egress and the callee's ingress both allow
it; one side alone is listed in "halfOpen". `port` is the callee's port name (http, internal)
or, for a destination outside the namespace, the destination's name. Name resolution and the
mesh's control plane, which every pod reaches, are not edges of the call graph.
"""
from __future__ import annotations

import json
import sys

import render


def labels_match(selector: dict, labels: dict) -> bool:
    return selector == labels


def peer_of(rule_peer: dict, peers: dict, destinations: dict, services: dict, ports: list[int] | None = None) -> str | None:
    """The call-graph name of a rule's peer. Destinations by address (ipBlocks) may share their
    blocks (the internet on different ports): one of those is the one that also has the rule's
    ports."""
    if "podSelector" in rule_peer and "namespaceSelector" not in rule_peer:
        name = rule_peer["podSelector"]["matchLabels"].get("app.kubernetes.io/name")
        return name if name in services else None
    namespace = rule_peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name")
    pod_labels = rule_peer.get("podSelector", {}).get("matchLabels", {})
    for name, peer in {**peers, **destinations}.items():
        if peer.get("namespace") == namespace and peer.get("podLabels") == pod_labels:
            return name
    if "ipBlock" in rule_peer:
        for name, destination in destinations.items():
            if rule_peer["ipBlock"] in destination.get("ipBlocks", []) and set(ports or []) <= set(destination["ports"]):
                return name
    return None


def port_name(owner: str, number: int, services: dict, fallback: str) -> str:
    if owner in services:
        return next((name for name, port in services[owner].items() if port == number), f"port {number}")
    return fallback


def allowed() -> dict:
    platform = render.load(render.PLATFORM_VALUES)["global"]
    services, peers, destinations = platform["callGraph"]["services"], platform["peers"], platform["destinations"]
    principals = {peer["principal"]: name for name, peer in peers.items()}
    egress, ingress, authorization = set(), set(), set()
    for chart in render.service_charts():
        manifests = render.render(chart, render.load(render.PLATFORM_VALUES))
        # The namespace's default-deny policies select every pod and allow nothing.
        for policy in (m for m in manifests if m["kind"] == "NetworkPolicy" and m["spec"]["podSelector"]):
            owner = policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
            for rule in policy["spec"].get("ingress") or []:
                for source in rule["from"]:
                    caller = peer_of(source, peers, destinations, services)
                    for port in rule["ports"]:
                        ingress.add((caller or "unknown", owner, port_name(owner, port["port"], services, "")))
            for rule in policy["spec"].get("egress") or []:
                for target in rule["to"]:
                    callee = peer_of(target, peers, destinations, services, [port["port"] for port in rule["ports"]])
                    if callee is None:
                        continue  # kube-dns, istiod
                    for port in rule["ports"]:
                        egress.add((owner, callee, port_name(callee, port["port"], services, callee)))
        for policy in (m for m in manifests if m["kind"] == "AuthorizationPolicy" and m["spec"].get("selector")):
            owner = policy["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
            for rule in policy["spec"].get("rules") or []:
                for source in rule["from"]:
                    for principal in source["source"]["principals"]:
                        caller = principals.get(principal) or principal.rsplit("/sa/", 1)[-1]
                        for operation in rule["to"]:
                            for port in operation["operation"]["ports"]:
                                authorization.add((caller, owner, port_name(owner, int(port), services, "")))
    within = {e for e in egress | ingress if e[0] in services and e[1] in services}
    network = {e for e in egress if e[1] not in services} | {e for e in ingress if e[0] not in services} | (egress & ingress & within)
    half_open = within - (egress & ingress)
    as_json = lambda edges: [{"from": f, "to": t, "port": p} for f, t, p in sorted(edges)]
    return {"networkPolicy": as_json(network), "authorizationPolicy": as_json(authorization), "halfOpen": as_json(half_open)}


if __name__ == "__main__":
    json.dump(allowed(), sys.stdout, indent=1)
    print()
