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
