{{/*
Scraping: the internal port of every pod behind the service's Services (a blue-green preview's
too), under one job and service name, over the mesh's mTLS (Prometheus mounts its sidecar's
certificates, since the port is STRICT like every other).
*/}}
{{- define "gm.serviceMonitor" -}}
{{- $name := include "gm.name" . -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gm.labels" . | nindent 4 }}
spec:
  jobLabel: app.kubernetes.io/name
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ $name }}
  targetLabels: [system]
  podTargetLabels: [rollouts-pod-template-hash]
  endpoints:
    - port: internal
      path: /metrics
      interval: 15s
      {{- if .Values.global.mesh.enabled }}
      scheme: https
      tlsConfig:
        caFile: /etc/prom-certs/root-cert.pem
        certFile: /etc/prom-certs/cert-chain.pem
        keyFile: /etc/prom-certs/key.pem
        # Istio certificates name a SPIFFE identity, not a host name.
        insecureSkipVerify: true
      {{- end }}
      relabelings:
        # The preview Service's targets get the same name, so each pod is one target.
        - targetLabel: service
          replacement: {{ $name }}
{{- end -}}

{{/* A PrometheusRule from the rule files of the including chart (`rules/*.rules.yml`). */}}
{{- define "gm.prometheusRule" -}}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {{ include "gm.name" . }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gm.labels" . | nindent 4 }}
spec:
  groups:
    {{- range $path, $_ := .Files.Glob "rules/*.rules.yml" }}
    {{- $file := $.Files.Get $path | fromYaml }}
    {{- toYaml $file.groups | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
The service's secrets, from the cluster's secret store (never from git): each GM_* variable
in secrets.files names a key and property there; the pod mounts them as files.
*/}}
{{- define "gm.externalSecret" -}}
{{- if .Values.secrets.files -}}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ include "gm.secretName" . }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gm.labels" . | nindent 4 }}
spec:
  refreshInterval: {{ .Values.secrets.refreshInterval }}
  secretStoreRef:
    kind: {{ .Values.global.secretStore.kind }}
    name: {{ .Values.global.secretStore.name }}
  target:
    name: {{ include "gm.secretName" . }}
    creationPolicy: Owner
    deletionPolicy: Retain
  data:
    {{- range $variable, $ref := .Values.secrets.files }}
    - secretKey: {{ $variable }}
      remoteRef:
        key: {{ $ref.key }}
        {{- with $ref.property }}
        property: {{ . }}
        {{- end }}
    {{- end }}
{{- end -}}
{{- end -}}
