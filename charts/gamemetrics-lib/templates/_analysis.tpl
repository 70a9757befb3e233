{{/*
The analysis a canary (or a blue-green preview) must pass. Queries select the new pods by
rollouts_pod_template_hash (copied from the pod label by the ServiceMonitor). A metric fails
the rollout after failureLimit + 1 failed measurements, one per interval: the values keep that
product within two minutes (tools/charts/analysis.py checks it).
HTTP services: 5xx share and P99 latency of their own routes (health checks excluded).
Consumers (rollout.analysis.kind: consumer): consumer lag and store failures.
*/}}
{{- define "gm.analysisTemplate" -}}
{{- $analysis := .Values.rollout.analysis -}}
{{- $pods := `namespace="{{args.namespace}}", service="{{args.service}}", rollouts_pod_template_hash="{{args.pod-template-hash}}"` -}}
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: {{ include "gm.name" . }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gm.labels" . | nindent 4 }}
spec:
  args:
    - name: service
    - name: namespace
    - name: pod-template-hash
  metrics:
    {{- if eq $analysis.kind "http" }}
    - name: error-rate
      interval: {{ $analysis.interval }}
      failureLimit: {{ $analysis.failureLimit }}
      # No requests yet: 0 errors of none.
      successCondition: result[0] <= {{ $analysis.maxErrorRate }}
      provider:
        prometheus:
          address: {{ .Values.global.prometheus.url }}
          query: >-
            (sum(rate(gm_http_requests_total{ {{- $pods }}, route!~"/health/.*", status=~"5.."}[{{ $analysis.window }}])) or vector(0))
            / clamp_min((sum(rate(gm_http_requests_total{ {{- $pods }}, route!~"/health/.*"}[{{ $analysis.window }}])) or vector(0)), 1e-9)
    - name: latency-p99
      interval: {{ $analysis.interval }}
      failureLimit: {{ $analysis.failureLimit }}
      # NaN: no request in the window.
      successCondition: isNaN(result[0]) || result[0] <= {{ $analysis.maxP99Seconds }}
      provider:
        prometheus:
          address: {{ .Values.global.prometheus.url }}
          query: >-
            histogram_quantile(0.99, sum by (le) (rate(gm_http_request_duration_seconds_bucket{ {{- $pods }}, route!~"/health/.*"}[{{ $analysis.window }}])))
            or vector(0)
    {{- else if eq $analysis.kind "consumer" }}
    - name: consumer-lag
      interval: {{ $analysis.interval }}
      failureLimit: {{ $analysis.failureLimit }}
      successCondition: result[0] <= {{ $analysis.maxLag }}
      provider:
        prometheus:
          address: {{ .Values.global.prometheus.url }}
          query: >-
            max(gm_processor_consumer_lag{ {{- $pods }}}) or vector(0)
    - name: store-failures
      interval: {{ $analysis.interval }}
      failureLimit: {{ $analysis.failureLimit }}
      successCondition: result[0] <= {{ $analysis.maxStoreFailuresPerSecond }}
      provider:
        prometheus:
          address: {{ .Values.global.prometheus.url }}
          query: >-
            sum(rate(gm_processor_store_failures_total{ {{- $pods }}}[{{ $analysis.window }}])) or vector(0)
    {{- end }}
{{- end -}}
