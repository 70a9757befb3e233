"""PostgreSQL's roles (charts/postgres) held to what uses them, derived, not copied:

- the Cluster's login roles are exactly the roles db/roles.sql and the migrations grant to or
  revoke from, and its initdb owner is the role the migration Jobs connect as;
- each service chart mounting a GM_PG_URL finds its role (gm_<service>, tools/platform/lib.sh
  `pg_role_of`) in the Cluster, with its password read from that same secret-store entry (the
  rendered ExternalSecret, not the values), and every migration Job's owner URL is the owner's;
- a password no chart mounts and no declared user reads is a credential nobody should hold;
- no role is a superuser or may create databases or roles or bypass row-level security, and
  only a role a declared replication client uses may replicate (ADR 0016);
- the publication db/roles.sql creates is the one the chart tells Debezium about;
- the backups authenticate one way (backup.auth, ADR 0028): with workload identity the
  ObjectStore inherits the IAM role, the Cluster's service account carries a role ARN and no
  access key is copied or referenced; with keys the ObjectStore's key pair comes from an
  ExternalSecret and no role is annotated. In an environment on workload identity, the Cluster's
  service account and barman's folder are the ones Terraform's postgres-backup role trusts and
  may write, and the annotated role is that environment's. Each charts/postgres/ci scenario renders too, against
  the CRD schemas and the policies."""
from __future__ import annotations

import re

import hcl2
import helm_python

import policy
import render
import validate

ROLES_SQL = render.ROOT / "db" / "roles.sql"
MIGRATIONS = "services/*/Sources/**/*Migrations*.swift"
GRANTEES = re.compile(r"\b(?:TO|FROM)\s+((?:gm_\w+\s*,\s*)*gm_\w+)", re.IGNORECASE)
PUBLICATION = re.compile(r"CREATE\s+PUBLICATION\s+(\w+)", re.IGNORECASE)
TERRAFORM = render.ROOT / "terraform"
ROLE_ARN = re.compile(r"^arn:aws:iam::[0-9]{12}:role/(.+)$")
ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
KEY_REFERENCES = ("accessKeyId", "secretAccessKey", "sessionToken")
KEY_NAMES = {"ACCESS_KEY_ID", "ACCESS_SECRET_KEY", "ACCESS_SESSION_TOKEN"}


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


def rendered(environment: str | None = None, values: dict | None = None) -> list[dict]:
    """The chart as Argo CD renders it for an environment (or with these values instead)."""
    output = helm_python.Chart.load(render.CHARTS / "postgres").render(
        values=values if values is not None else values_for("postgres", environment), name="postgres", namespace="databases")
    return render.documents(output)


def scenarios() -> list[tuple[str, dict]]:
    """charts/postgres/ci/<name>-values.yaml, each given after charts/platform-values.yaml."""
    platform = render.load(render.PLATFORM_VALUES)
    return [(path.name.removesuffix("-values.yaml"), render.merge(platform, render.load(path)))
            for path in sorted((render.CHARTS / "postgres" / "ci").glob("*-values.yaml"))]


def terraform_identity(environment: str) -> dict | None:
    """What terraform/environments/<env> gives CloudNativePG's backups: the service account its
    postgres-backup role trusts, the prefix it may write, and the role's name
    (<name_prefix>-postgres-backup, name_prefix being local.name with the environment filled in).
    Every environment's root calls terraform/modules/environment, which sets these."""
    if not (TERRAFORM / "environments" / environment / "main.tf").exists():
        return None
    parsed = hcl2.loads((TERRAFORM / "modules" / "environment" / "main.tf").read_text())
    identity = next((block["identity"] for block in parsed.get("module", []) if "identity" in block), None)
    backup = (identity or {}).get("postgres_backup")
    if not backup:
        return None
    def scalar(value):
        """bc-python-hcl2 wraps some attribute values in a one-item list."""
        return value[0] if isinstance(value, list) and len(value) == 1 else value

    backup = scalar(backup)
    names = {key: scalar(value) for block in parsed.get("locals", []) for key, value in block.items()}
    prefix = str(scalar(identity["name_prefix"])).replace("${local.name}", str(names.get("name", "")))
    prefix = prefix.replace("${var.environment}", environment)
    if "${" in prefix:
        raise ValueError(f"terraform/modules/environment: cannot resolve the role name prefix {prefix!r}")
    return {"namespace": backup["namespace"], "service_account": backup["service_account"], "prefix": backup["prefix"],
            "role": f"{prefix}-postgres-backup"}


def backup_problems(manifests: list[dict], identity: dict | None = None) -> list[str]:
    """The backups' credentials are one of two complete shapes (see the module's docstring);
    `identity` (terraform_identity) holds an environment's rendering to its Terraform role."""
    clusters = [m for m in manifests if m["kind"] == "Cluster"]
    stores = [m for m in manifests if m["kind"] == "ObjectStore"]
    if len(clusters) != 1 or len(stores) != 1:
        return [f"expected one Cluster and one ObjectStore, found {len(clusters)} and {len(stores)}"]
    cluster, store = clusters[0], stores[0]
    found = []
    configuration = store["spec"]["configuration"]
    credentials = configuration.get("s3Credentials") or {}
    keys = {field: credentials[field] for field in KEY_REFERENCES if field in credentials}
    annotation = (cluster["spec"].get("serviceAccountTemplate") or {}).get("metadata", {}).get("annotations", {}).get(ROLE_ANNOTATION)
    written = {m["spec"]["target"]["name"]: m for m in manifests if m["kind"] == "ExternalSecret"}
    holding_keys = sorted(
        [f"ExternalSecret/{m['metadata']['name']}" for m in manifests if m["kind"] == "ExternalSecret"
         if KEY_NAMES & {d.get("secretKey") for d in m["spec"].get("data", [])}]
        + [f"Secret/{m['metadata']['name']}" for m in manifests if m["kind"] == "Secret"
           if KEY_NAMES & (set(m.get("data") or {}) | set(m.get("stringData") or {}))])
    archivers = [p for p in cluster["spec"].get("plugins", []) if p.get("isWALArchiver")]
    if [p.get("parameters", {}).get("barmanObjectName") for p in archivers] != [store["metadata"]["name"]]:
        found.append(f"the Cluster does not archive through ObjectStore {store['metadata']['name']}")
    if credentials.get("inheritFromIAMRole"):
        if keys:
            found.append(f"the ObjectStore inherits the IAM role yet references access keys ({', '.join(sorted(keys))})")
        if holding_keys:
            found.append(f"backups use workload identity, yet {', '.join(holding_keys)} still holds an S3 access key pair")
        if annotation is None:
            found.append(f"the ObjectStore inherits the IAM role, but the Cluster's serviceAccountTemplate has no {ROLE_ANNOTATION}: barman would find no credentials")
        elif not ROLE_ARN.match(annotation):
            found.append(f"the Cluster's {ROLE_ANNOTATION} {annotation!r} is not an IAM role ARN")
        if configuration.get("endpointURL"):
            found.append(f"the ObjectStore inherits an AWS IAM role for the store at {configuration['endpointURL']}")
    else:
        missing = [field for field in ("accessKeyId", "secretAccessKey") if field not in keys]
        if missing:
            found.append(f"the ObjectStore neither inherits an IAM role nor names its access key pair (missing {', '.join(missing)})")
        for field, ref in sorted(keys.items()):
            source = written.get(ref["name"])
            if source is None:
                found.append(f"the ObjectStore's {field} is read from Secret {ref['name']}, which no ExternalSecret writes")
            elif ref["key"] not in {d.get("secretKey") for d in source["spec"].get("data", [])}:
                found.append(f"the ObjectStore's {field} is key {ref['key']} of Secret {ref['name']}, which ExternalSecret {source['metadata']['name']} does not write")
        if annotation is not None:
            found.append(f"backups use access keys, yet the Cluster's service account also carries {ROLE_ANNOTATION}: one credential, not two")
    if identity and credentials.get("inheritFromIAMRole"):
        account = f"{cluster['metadata']['namespace']}/{cluster['metadata']['name']}"
        trusted = f"{identity['namespace']}/{identity['service_account']}"
        if account != trusted:
            found.append(f"Terraform's postgres-backup role trusts service account {trusted}; the Cluster's pods run as {account}")
        path = configuration["destinationPath"].removeprefix("s3://").partition("/")[2]
        server = next((p.get("parameters", {}).get("serverName") for p in archivers if p.get("parameters", {}).get("serverName")), cluster["metadata"]["name"])
        if not f"{path}{server}/".startswith(identity["prefix"]):
            found.append(f"barman writes under {path}{server}/ of the bucket; Terraform's postgres-backup role may write only under {identity['prefix']}")
        match = ROLE_ARN.match(annotation or "")
        if match and match.group(1) != identity["role"]:
            found.append(f"the Cluster's service account assumes role {match.group(1)}; this environment's Terraform creates {identity['role']}")
    return found


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
        identity = terraform_identity(environment) if environment else None
        found += [f"postgres [{environment or 'default'}] {p}" for p in problems(manifests, granted, services, owners, publications)
                  + backup_problems(manifests, identity)]
    for scenario, values in scenarios():
        manifests = rendered(values=values)
        full = render.merge(render.load(render.CHARTS / "postgres" / "values.yaml"), values)
        found += [f"postgres [ci/{scenario}] {m['kind']}/{m['metadata']['name']}: {e}" for m in manifests for e in validate.errors(m)]
        found += [f"postgres [ci/{scenario}] {p}" for p in policy.all_problems(manifests, full)
                  + problems(manifests, granted, services, owners, publications) + backup_problems(manifests)]
    return found
