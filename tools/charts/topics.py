"""The Kafka topics as Strimzi will create them (charts/kafka rendered), held to what the
platform requires, stated here and not copied from topics.json: the raw events 12 partitions
for 7 days, the processed state 6 partitions compacted, every topic on 3 replicas with
min.insync.replicas 2; and the Kafka cluster itself: topics are never created on first use
(auto.create.topics.enable false), a topic without its own settings still gets 3 replicas and
min.insync.replicas 2."""
from __future__ import annotations

import helm_python

import render
import validate

SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000
REPLICAS = 3
MIN_INSYNC_REPLICAS = 2
# On the Kafka CR: values as a broker reads them (a YAML boolean or number, or its string).
REQUIRED_CLUSTER_CONFIG = {"auto.create.topics.enable": "false", "min.insync.replicas": "2", "default.replication.factor": "3"}
REQUIRED = {
    "player.events.raw": {"partitions": 12, "retention.ms": SEVEN_DAYS_MS, "cleanup.policy": "delete"},
    "player.events.processed": {"partitions": 6, "cleanup.policy": "compact"},
}


def rendered() -> list[dict]:
    output = helm_python.Chart.load(render.CHARTS / "kafka").render(
        values=render.load(render.PLATFORM_VALUES), name="kafka", namespace="kafka")
    return render.documents(output)


def problems(manifests: list[dict]) -> list[str]:
    found = []
    topics = {m["spec"]["topicName"]: m["spec"] for m in manifests if m["kind"] == "KafkaTopic"}
    for name, required in REQUIRED.items():
        spec = topics.get(name)
        if spec is None:
            found.append(f"topic {name}: no KafkaTopic")
            continue
        actual = {"partitions": spec["partitions"], **{k: spec["config"].get(k) for k in required if k != "partitions"}}
        actual = {k: int(v) if k == "retention.ms" and v is not None else v for k, v in actual.items()}
        if actual != required:
            found.append(f"topic {name}: {actual}, required {required}")
    for name, spec in topics.items():
        if spec["replicas"] != REPLICAS or str(spec["config"].get("min.insync.replicas")) != str(MIN_INSYNC_REPLICAS):
            found.append(f"topic {name}: replicas {spec['replicas']}, min.insync.replicas {spec['config'].get('min.insync.replicas')}; "
                         f"required {REPLICAS} and {MIN_INSYNC_REPLICAS}")
    clusters = [m for m in manifests if m["kind"] == "Kafka"]
    if len(clusters) != 1:
        found.append(f"{len(clusters)} Kafka clusters rendered, expected 1")
    for cluster in clusters:
        config = cluster["spec"]["kafka"].get("config", {})
        for key, required in REQUIRED_CLUSTER_CONFIG.items():
            actual = config.get(key)
            if str(actual).lower() != required:
                found.append(f"Kafka/{cluster['metadata']['name']}: {key} is {actual}, required {required}")
    for manifest in manifests:
        found += [f"KafkaTopic/{manifest['metadata']['name']}: {e}" for e in validate.errors(manifest)]
    return found
