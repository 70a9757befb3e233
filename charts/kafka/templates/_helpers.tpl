{{/* Labels of everything in this chart; `strimzi.io/cluster` ties a resource to the Kafka cluster. */}}
{{- define "kafka.labels" -}}
strimzi.io/cluster: {{ .Values.cluster }}
app.kubernetes.io/part-of: gamemetrics
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The Secret (namespace kafka) holding a KafkaUser's password, written by its ExternalSecret. */}}
{{- define "kafka.passwordSecret" -}}
kafka-user-{{ . }}-password
{{- end -}}

{{/*
A KafkaUser (SCRAM-SHA-512, password from the secret store) and the ExternalSecret of its
password. Argument: dict "root" $ "name" user "passwordKey" key "acls" list.
*/}}
{{- define "kafka.user" -}}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ include "kafka.passwordSecret" .name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "kafka.labels" .root | nindent 4 }}
spec:
  refreshInterval: {{ .root.Values.secretRefreshInterval }}
  secretStoreRef:
    kind: {{ .root.Values.global.secretStore.kind }}
    name: {{ .root.Values.global.secretStore.name }}
  target:
    name: {{ include "kafka.passwordSecret" .name }}
    creationPolicy: Owner
    deletionPolicy: Retain
  data:
    - secretKey: password
      remoteRef:
        key: {{ .passwordKey }}
        property: password
---
apiVersion: kafka.strimzi.io/v1
kind: KafkaUser
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "kafka.labels" .root | nindent 4 }}
spec:
  authentication:
    type: scram-sha-512
    password:
      valueFrom:
        secretKeyRef:
          name: {{ include "kafka.passwordSecret" .name }}
          key: password
  authorization:
    type: simple
    acls:
      {{- if .acls }}
      {{- toYaml .acls | nindent 6 }}
      {{- else }} []
      {{- end }}
{{- end -}}

{{/*
ACLs of a principal that writes `produces`, reads `consumes` ({topic, group}) and reads the
progress of `describes` ({topic, group}: Describe on both, which OffsetFetch and ListOffsets
need; no Read, so it can neither join that group nor commit for it).
*/}}
{{- define "kafka.acls" -}}
{{- $acls := list -}}
{{- range .produces }}
{{- $acls = append $acls (dict "resource" (dict "type" "topic" "name" . "patternType" "literal") "operations" (list "Write" "Describe") "host" "*") }}
{{- end }}
{{- range .consumes }}
{{- $acls = append $acls (dict "resource" (dict "type" "topic" "name" .topic "patternType" "literal") "operations" (list "Read" "Describe") "host" "*") }}
{{- $acls = append $acls (dict "resource" (dict "type" "group" "name" .group "patternType" "literal") "operations" (list "Read") "host" "*") }}
{{- end }}
{{- range .describes }}
{{- $acls = append $acls (dict "resource" (dict "type" "topic" "name" .topic "patternType" "literal") "operations" (list "Describe") "host" "*") }}
{{- $acls = append $acls (dict "resource" (dict "type" "group" "name" .group "patternType" "literal") "operations" (list "Describe") "host" "*") }}
{{- end }}
{{- toJson $acls -}}
{{- end -}}
