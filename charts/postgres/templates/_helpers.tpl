{{/* The Kubernetes name of a role's password secret (role names have underscores). */}}
{{- define "postgres.roleSecretName" -}}
{{- printf "%s-role-%s" .cluster (.role | replace "_" "-") -}}
{{- end -}}

{{/* The Barman Cloud plugin's ObjectStore of this cluster. */}}
{{- define "postgres.objectStoreName" -}}
{{- printf "%s-backups" .Values.name -}}
{{- end -}}

{{/*
An ExternalSecret writing a role's basic-auth secret (username, password) for CloudNativePG
from the secret-store entry whose `url` the role's workloads mount: the password is the URL's
user info after "<role>:", so the URL and the role's password are one value. The secret carries
cnpg.io/reload so that a rotated password reaches PostgreSQL without a restart.
*/}}
{{- define "postgres.roleExternalSecret" -}}
{{- $root := .root -}}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    app.kubernetes.io/name: {{ $root.Values.name }}
    app.kubernetes.io/part-of: gamemetrics
    gamemetrics.io/postgres-role: {{ .role }}
spec:
  refreshInterval: {{ $root.Values.secrets.refreshInterval }}
  secretStoreRef:
    kind: {{ $root.Values.global.secretStore.kind }}
    name: {{ $root.Values.global.secretStore.name }}
  target:
    name: {{ .name }}
    creationPolicy: Owner
    template:
      type: kubernetes.io/basic-auth
      metadata:
        labels:
          cnpg.io/reload: "true"
      data:
        username: {{ .role | quote }}
        password: {{ printf "{{ (urlParse .url).userinfo | trimPrefix %q }}" (printf "%s:" .role) | quote }}
  data:
    - secretKey: url
      remoteRef:
        key: {{ .secret.key }}
        property: {{ .secret.property }}
{{- end -}}

{{/*
How barman-cloud authenticates to the bucket (backup.auth), checked before anything renders:
- workloadIdentity: IRSA. The ObjectStore inherits the role of the pod's service account, which
  CloudNativePG creates from the Cluster's serviceAccountTemplate with the role annotation. Needs
  backup.roleArn, an IAM role ARN (Terraform's workload_role_arns["postgres-backup"]): an empty or
  malformed annotation would leave barman without credentials, so it fails here instead.
- keys: an access key pair from the secret store (backup.credentials), for S3-compatible stores
  (MinIO, backup.endpointURL) or an environment whose role ARN is not known yet.
*/}}
{{- define "postgres.backupAuth" -}}
{{- $backup := .Values.backup -}}
{{- if eq $backup.auth "workloadIdentity" -}}
{{- $arn := required "backup.auth is workloadIdentity: set backup.roleArn to the Terraform output workload_role_arns[\"postgres-backup\"] of this environment (docs/platform.md), or use backup.auth keys" $backup.roleArn -}}
{{- if not (regexMatch "^arn:aws:iam::[0-9]{12}:role/.+$" $arn) -}}
{{- fail (printf "backup.roleArn %q is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)" $arn) -}}
{{- end -}}
{{- if $backup.endpointURL -}}
{{- fail (printf "backup.auth workloadIdentity is AWS S3's IAM role; the store at backup.endpointURL %q needs backup.auth keys" $backup.endpointURL) -}}
{{- end -}}
{{- else if ne $backup.auth "keys" -}}
{{- fail (printf "backup.auth must be workloadIdentity or keys, not %q" (toString $backup.auth)) -}}
{{- end -}}
{{- $backup.auth -}}
{{- end -}}

{{/* The Secret holding the bucket's access key pair (backup.auth keys only). */}}
{{- define "postgres.backupKeysSecretName" -}}
{{- printf "%s-backup-s3" .Values.name -}}
{{- end -}}
