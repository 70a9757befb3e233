"""The Kafka platform (charts/kafka) as each environment renders it (charts/platform-values.yaml,
then argocd/environments/<env>/kafka.yaml), held to what the platform needs from it: every
manifest valid; the cluster's guarantees (topics.py, on the Kafka CR and every KafkaTopic); at
least 3 broker nodes and 3 controller votes on fast-ssd; the listener the services' bootstrap
names, TLS with SCRAM-SHA-512; KEDA's KafkaUser reading exactly the lag of the service charts'
kafka triggers; each Kafka-calling service chart reading its own KafkaUser's password; each
`describes` entry (Describe-only access to another service's consumer group) naming a real
consumption of another user; no consumer group that two KafkaUsers may Read.

`python kafka.py --users` prints, as JSON for IntegrationTests' KafkaUserACLTests, every
KafkaUser's ACLs and each service chart's literal container environment:

    {"users": {"<name>": [{"type", "name", "patternType", "operation", "host"}...]},
     "environments": {"<service>": {"GM_...": "value"}}}
"""
from __future__ import annotations

import json
import sys

import helm_python

import render
import topics
import validate

ENVIRONMENTS = ("dev", "staging", "prod")
CHART = render.CHARTS / "kafka"
NAMESPACE = "kafka"


def values(environment: str | None) -> dict:
    result = render.load(render.PLATFORM_VALUES)
    if environment:
        result = render.merge(result, render.load(render.ROOT / "argocd" / "environments" / environment / "kafka.yaml"))
    return result


def rendered(environment: str | None = None) -> list[dict]:
    output = helm_python.Chart.load(CHART).render(values=values(environment), name="kafka", namespace=NAMESPACE)
    return render.documents(output)


def chart_values(environment: str | None = None) -> dict:
    return render.merge(render.load(CHART / "values.yaml"), values(environment))


def acl_entries(user: dict) -> list[dict]:
    """One entry per (resource, operation): the form the Swift test compares."""
    return sorted(({"type": acl["resource"]["type"], "name": acl["resource"].get("name", "kafka-cluster"),
                    "patternType": acl["resource"].get("patternType", "literal"), "operation": operation,
                    "host": acl.get("host", "*")}
                   for acl in user["spec"].get("authorization", {}).get("acls", []) for operation in acl["operations"]),
                  key=lambda e: (e["type"], e["name"], e["operation"]))


def workload_environment(manifests: list[dict], service: str) -> dict[str, str]:
    """The literal env of the service's own container (Rollout or Deployment)."""
    for manifest in manifests:
        if manifest["kind"] in ("Rollout", "Deployment") and manifest["metadata"]["name"] == service:
            container = next(c for c in manifest["spec"]["template"]["spec"]["containers"] if c["name"] == service)
            return {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}
    return {}


def service_renderings() -> dict[str, list[dict]]:
    return {chart.name: render.render(chart, render.load(render.PLATFORM_VALUES)) for chart in render.service_charts()}


def kafka_callers() -> set[str]:
    graph = render.load(render.PLATFORM_VALUES)["global"]["callGraph"]
    return {edge["from"] for edge in graph["edges"] if edge["to"] == "kafka"}


def cluster_problems(environment: str, manifests: list[dict]) -> list[str]:
    found = []
    where = f"kafka [{environment}]"
    kafka = next(m for m in manifests if m["kind"] == "Kafka")
    spec = kafka["spec"]["kafka"]
    pools = [m for m in manifests if m["kind"] == "KafkaNodePool"]
    brokers = sum(p["spec"]["replicas"] for p in pools if "broker" in p["spec"]["roles"])
    controllers = sum(p["spec"]["replicas"] for p in pools if "controller" in p["spec"]["roles"])
    if brokers < 3:
        found.append(f"{where}: {brokers} broker nodes; topics have 3 replicas, so at least 3 are needed")
    if controllers < 3 or controllers % 2 == 0:
        found.append(f"{where}: {controllers} controller votes; an odd number of at least 3 survives the loss of one")
    for pool in pools:
        for volume in pool["spec"]["storage"].get("volumes", [pool["spec"]["storage"]]):
            if volume.get("class") != "fast-ssd":
                found.append(f"{where} KafkaNodePool/{pool['metadata']['name']}: storage class {volume.get('class')}, not fast-ssd")
    if environment in ("staging", "prod"):
        if brokers != 3 or not any(p["spec"]["roles"] == ["broker"] for p in pools):
            found.append(f"{where}: staging and prod run 3 dedicated brokers, not {brokers}")
        zone_spread = [c["whenUnsatisfiable"] for p in pools for c in p["spec"]["template"]["pod"]["topologySpreadConstraints"]
                       if c["topologyKey"] == "topology.kubernetes.io/zone"]
        if zone_spread != ["DoNotSchedule"] * len(pools):
            found.append(f"{where}: every pool must spread over zones with DoNotSchedule")
    if spec.get("rack", {}).get("topologyKey") != "topology.kubernetes.io/zone":
        found.append(f"{where}: no rack awareness on topology.kubernetes.io/zone")
    if spec.get("authorization", {}).get("type") != "simple":
        found.append(f"{where}: authorization is not simple (KafkaUsers' ACLs would not apply)")
    bootstrap = render.load(render.PLATFORM_VALUES)["global"]["kafka"]["bootstrap"]
    listener = next((l for l in spec["listeners"] if f"{kafka['metadata']['name']}-kafka-bootstrap.{NAMESPACE}.svc:{l['port']}" == bootstrap), None)
    if listener is None:
        found.append(f"{where}: no listener behind the services' bootstrap {bootstrap}")
    elif not listener["tls"] or listener.get("authentication", {}).get("type") != "scram-sha-512":
        found.append(f"{where}: the services' listener is not TLS with SCRAM-SHA-512")
    if spec.get("metricsConfig", {}).get("type") != "jmxPrometheusExporter":
        found.append(f"{where}: no JMX Prometheus exporter metrics")
    if not any(m["kind"] == "PodMonitor" for m in manifests):
        found.append(f"{where}: no PodMonitor scrapes the brokers")
    return found


def keda_problems(manifests: list[dict], services: dict[str, list[dict]]) -> list[str]:
    """KEDA's KafkaUser: Describe on the topic and group of every kafka trigger, nothing else."""
    user_name = chart_values()["keda"]["user"]
    user = next((m for m in manifests if m["kind"] == "KafkaUser" and m["metadata"]["name"] == user_name), None)
    if user is None:
        return [f"no KafkaUser {user_name} for KEDA"]
    wanted = set()
    for manifests_of_service in services.values():
        for scaled in (m for m in manifests_of_service if m["kind"] == "ScaledObject"):
            for trigger in (t for t in scaled["spec"]["triggers"] if t["type"] == "kafka"):
                wanted |= {("topic", trigger["metadata"]["topic"], "Describe"), ("group", trigger["metadata"]["consumerGroup"], "Describe")}
    granted = {(e["type"], e["name"], e["operation"]) for e in acl_entries(user)}
    return ([f"KafkaUser {user_name} lacks {g} for a kafka trigger" for g in sorted(wanted - granted)]
            + [f"KafkaUser {user_name} grants {g}, which no kafka trigger needs" for g in sorted(granted - wanted)])


def service_user_problems(manifests: list[dict]) -> list[str]:
    """Each service that calls Kafka has a KafkaUser of its name, whose password its chart reads."""
    found = []
    users = chart_values()["users"]
    callers = kafka_callers()
    for service in sorted(callers | set(users)):
        if service not in callers:
            found.append(f"KafkaUser {service}: the service does not call Kafka (global.callGraph)")
            continue
        if service not in users:
            found.append(f"{service} calls Kafka but charts/kafka has no user for it")
            continue
        chart = render.load(render.CHARTS / service / "values.yaml")
        password = chart["secrets"]["files"].get("GM_KAFKA_SASL_PASSWORD", {})
        if (password.get("key"), password.get("property")) != (users[service]["passwordKey"], "password"):
            found.append(f"{service}: GM_KAFKA_SASL_PASSWORD is {password}, not its KafkaUser's {users[service]['passwordKey']} password")
    return found


def describe_problems(users: dict) -> list[str]:
    """A `describes` entry lets a service see another's consumer group (its lag): it must be that
    other user's `consumes` entry, or it grants Describe on a group nobody consumes (a typo shows
    the lag of nothing) or repeats what the user's own `consumes` already grants."""
    found = []
    consumers = {(c["topic"], c["group"]): name for name, user in users.items() for c in user.get("consumes", [])}
    for name, user in sorted(users.items()):
        for entry in user.get("describes", []):
            owner = consumers.get((entry["topic"], entry["group"]))
            if owner is None:
                found.append(f"KafkaUser {name} describes group {entry['group']} on {entry['topic']}, which no KafkaUser consumes")
            elif owner == name:
                found.append(f"KafkaUser {name} describes its own group {entry['group']} on {entry['topic']}: its consumes grants that")
    return found


def group_read_problems(manifests: list[dict]) -> list[str]:
    """Read on a group lets a principal join it (taking partitions from its members) and commit its
    offsets: exactly one KafkaUser may Read each group, by its literal name. Another service that
    needs the group's lag gets Describe (`describes`)."""
    found = []
    readers: dict[str, set[str]] = {}
    for user in (m for m in manifests if m["kind"] == "KafkaUser"):
        name = user["metadata"]["name"]
        for acl in user["spec"].get("authorization", {}).get("acls", []):
            resource = acl["resource"]
            if resource["type"] != "group" or not {"Read", "All"} & set(acl["operations"]):
                continue
            if resource.get("patternType", "literal") != "literal" or resource.get("name") == "*":
                found.append(f"KafkaUser {name} may Read every group matching {resource.get('name')} "
                             f"({resource.get('patternType', 'literal')}), not one group by name")
                continue
            readers.setdefault(resource["name"], set()).add(name)
    for group, names in sorted(readers.items()):
        if len(names) > 1:
            found.append(f"consumer group {group} may be Read by {len(names)} KafkaUsers {sorted(names)}: only its own service may join it")
    return found


def unpinned() -> list[str]:
    """What is not pinned yet: reported, not failed (it cannot be fetched offline)."""
    debezium = chart_values()["connect"]["build"]["debezium"]
    if not debezium["sha512sum"]:
        return [f"the Debezium plugin {debezium['version']} has no sha512sum: copy it from Maven Central's "
                f"debezium-connector-postgres-{debezium['version']}-plugin.tar.gz.sha512 into charts/kafka/values.yaml"]
    return []


def problems() -> list[str]:
    found = []
    services = service_renderings()
    for environment in ENVIRONMENTS:
        manifests = rendered(environment)
        for manifest in manifests:
            found += [f"kafka [{environment}] {manifest['kind']}/{manifest['metadata']['name']}: {e}" for e in validate.errors(manifest)]
        found += cluster_problems(environment, manifests)
        found += [f"kafka [{environment}] {p}" for p in topics.problems(manifests) if "KafkaTopic/" not in p]
    default = rendered()
    found += keda_problems(default, services)
    found += service_user_problems(default)
    found += describe_problems(chart_values()["users"])
    found += group_read_problems(default)
    cdc_topic = chart_values()["connect"]["cdc"]["topic"]
    if cdc_topic not in {t["name"] for t in json.loads((CHART / "topics.json").read_text())["topics"]}:
        found.append(f"the CDC topic {cdc_topic} is not in charts/kafka/topics.json")
    print(f"kafka: {len(ENVIRONMENTS)} environments rendered and checked; KafkaUsers of {len(chart_values()['users'])} services")
    for note in unpinned():
        print(f"  NOTE {note}")
    return found


def users_report() -> dict:
    manifests = rendered()
    services = service_renderings()
    return {
        "users": {m["metadata"]["name"]: acl_entries(m) for m in manifests if m["kind"] == "KafkaUser"},
        "environments": {name: workload_environment(rendering, name) for name, rendering in services.items()},
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["--users"]:
        json.dump(users_report(), sys.stdout)
        sys.exit(0)
    sys.exit(render.report(problems()))
