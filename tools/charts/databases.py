"""PostgreSQL's roles (charts/postgres) held to what uses them, derived, not copied:

- the Cluster's login roles are exactly the roles db/roles.sql and the migrations grant to or
  revoke from, and its initdb owner is the role the migration Jobs connect as;
- each service chart mounting a GM_PG_URL finds its role (gm_<service>, tools/platform/lib.sh
  `pg_role_of`) in the Cluster, with its password read from that same secret-store entry (the
  rendered ExternalSecret, not the values), and every migration Job's owner URL is the owner's;
- a password no chart mounts and no declared user reads is a credential nobody should hold;
- no role is a superuser or may create databases or roles or bypass row-level security, and
  only a role a declared replication client uses may replicate (ADR 0016);
- the publication db/roles.sql creates is the one the chart tells Debezium about."""
from __future__ import annotations

import re

import helm_python

import render

ROLES_SQL = render.ROOT / "db" / "roles.sql"
MIGRATIONS = "services/*/Sources/**/*Migrations*.swift"
GRANTEES = re.compile(r"\b(?:TO|FROM)\s+((?:gm_\w+\s*,\s*)*gm_\w+)", re.IGNORECASE)
PUBLICATION = re.compile(r"CREATE\s+PUBLICATION\s+(\w+)", re.IGNORECASE)


def without_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def granted_roles(texts: list[str]) -> set[str]:
    """The roles named as grantees in SQL (db/roles.sql, the migrations' statements)."""
    roles = set()
    for text in texts:
        for match in GRANTEES.finditer(without_comments(text)):
            roles |= {name.strip() for name in match.group(1).split(",")}
    return roles


def sources() -> list[str]:
    return [ROLES_SQL.read_text()] + [p.read_text() for p in sorted(render.ROOT.glob(MIGRATIONS))]


def role_of(service: str) -> str:
    """tools/platform/lib.sh `pg_role_of`: gm_analytics_api for analytics-api."""
    return "gm_" + service.lower().replace("-", "_")


def chart_secrets() -> tuple[dict[str, dict], list[dict]]:
    """({service: its GM_PG_URL remote ref}, [each migration Job's owner URL remote ref]),
    from the service charts' values; a CronJob mounts its service's secret."""
    services, owners = {}, []
    for chart in render.service_charts():
        values = render.load(chart / "values.yaml")
        files = values.get("secrets", {}).get("files") or {}
        if "GM_PG_URL" in files:
            services[chart.name] = files["GM_PG_URL"]
        if (values.get("migrations") or {}).get("enabled"):
            owners.append({"chart": chart.name, **values["migrations"]["secret"]})
    return services, owners


def environments() -> list[str | None]:
    return [None, "dev", "staging", "prod"]


def values_for(chart: str, environment: str | None) -> dict:
    values = render.load(render.PLATFORM_VALUES)
    override = render.ROOT / "argocd" / "environments" / str(environment) / f"{chart}.yaml"
    if environment and override.exists():
        values = render.merge(values, render.load(override))
    return values


def rendered(environment: str | None = None) -> list[dict]:
    output = helm_python.Chart.load(render.CHARTS / "postgres").render(
        values=values_for("postgres", environment), name="postgres", namespace="databases")
    return render.documents(output)


def problems(manifests: list[dict], granted: set[str], services: dict[str, dict], owners: list[dict],
             publications: set[str]) -> list[str]:
    found = []
    clusters = [m for m in manifests if m["kind"] == "Cluster"]
    if len(clusters) != 1:
        return [f"expected one Cluster, found {len(clusters)}"]
    spec = clusters[0]["spec"]
    secrets = {m["spec"]["target"]["name"]: m for m in manifests if m["kind"] == "ExternalSecret"}

    def password_source(secret_name: str, role: str) -> tuple[str, str] | None:
        external = secrets.get(secret_name)
        if external is None:
            found.append(f"role {role}: its password secret {secret_name} comes from no ExternalSecret")
            return None
        template = external["spec"]["target"].get("template", {})
        if template.get("data", {}).get("username") != role:
            found.append(f"role {role}: ExternalSecret {secret_name} names user {template.get('data', {}).get('username')}")
        if f'"{role}:"' not in template.get("data", {}).get("password", ""):
            found.append(f"role {role}: ExternalSecret {secret_name} does not read the password of {role} from its URL")
        refs = [d["remoteRef"] for d in external["spec"]["data"]]
        return (refs[0]["key"], refs[0]["property"]) if len(refs) == 1 else None

    owner = spec["bootstrap"]["initdb"]["owner"]
    owner_source = password_source(spec["bootstrap"]["initdb"]["secret"]["name"], owner)
    for job in owners:
        if owner_source != (job["key"], job["property"]):
            found.append(f"{job['chart']}-migrate connects with {job['key']}#{job['property']}, the owner {owner}'s password comes from {owner_source}")

    roles = {r["name"]: r for r in spec.get("managed", {}).get("roles", [])}
    if set(roles) != granted:
        missing, extra = sorted(granted - set(roles)), sorted(set(roles) - granted)
        found.append(f"the Cluster's roles differ from db/roles.sql and the migrations: missing {missing}, not granted anything {extra}")
    mounted = {(ref["key"], ref["property"]): service for service, ref in services.items()}
    for service, ref in sorted(services.items()):
        role = roles.get(role_of(service))
        if role is None:
            found.append(f"{service} mounts a GM_PG_URL but the Cluster has no role {role_of(service)}")
        elif "passwordSecret" not in role:
            found.append(f"{service} connects as {role_of(service)}, which has no password")
        elif password_source(role["passwordSecret"]["name"], role["name"]) != (ref["key"], ref["property"]):
            found.append(f"{service} mounts {ref['key']}#{ref['property']}, its role {role['name']} takes its password elsewhere")
    for name, role in sorted(roles.items()):
        for attribute in ("superuser", "createdb", "createrole", "bypassrls"):
            if role.get(attribute):
                found.append(f"role {name} has {attribute} (ADR 0016: LOGIN and nothing more)")
        declared = role.get("comment", "").startswith("used by ")
        if "passwordSecret" in role and name not in {role_of(s) for s in services} and not declared:
            found.append(f"role {name} has a password that no chart mounts and no declared user reads")
        if role.get("replication") and not declared:
            found.append(f"role {name} may replicate, yet no replication client is declared for it")
    cdc = [m for m in manifests if m["kind"] == "Cluster"][0]["metadata"].get("annotations", {}).get("gamemetrics.io/cdc-publication")
    if cdc not in publications:
        found.append(f"Debezium is told publication {cdc}; db/roles.sql creates {sorted(publications)}")
    return found


def all_problems() -> list[str]:
    texts = sources()
    granted = granted_roles(texts)
    publications = {m.group(1) for t in texts for m in PUBLICATION.finditer(without_comments(t))}
    services, owners = chart_secrets()
    found = []
    for environment in environments():
        manifests = rendered(environment)
        found += [f"postgres [{environment or 'default'}] {p}" for p in problems(manifests, granted, services, owners, publications)]
    return found
