{{/*
Autoscaling of the Rollout. With KEDA (autoscaling.keda.enabled) one ScaledObject carries both
CPU 70% and the signal that limits the service (Prometheus request rate, Kafka lag, queue age):
KEDA makes the one HPA from it, since two HPAs on one workload fight. Without KEDA, a plain
HPA on CPU.
*/}}
{{- define "gm.horizontalPodAutoscaler" -}}
{{- if and .Values.autoscaling.enabled (not .Values.autoscaling.keda.enabled) -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "gm.name" . }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gm.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    name: {{ include "gm.name" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.cpuUtilization }}
{{- end -}}
{{- end -}}

{{- define "gm.scaledObject" -}}
{{- if and .Values.autoscaling.enabled .Values.autoscaling.keda.enabled -}}
{{- $name := include "gm.name" . -}}
{{- $keda := .Values.autoscaling.keda -}}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gm.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    name: {{ $name }}
  minReplicaCount: {{ .Values.autoscaling.minReplicas }}
  maxReplicaCount: {{ .Values.autoscaling.maxReplicas }}
  pollingInterval: 15
  cooldownPeriod: 300
  advanced:
    horizontalPodAutoscalerConfig:
      behavior:
        scaleDown:
          # Consumers rebalance on every change: shrink slowly.
          stabilizationWindowSeconds: 300
          policies:
            - type: Percent
              value: 25
              periodSeconds: 60
  triggers:
    - type: cpu
      metricType: Utilization
      metadata:
        value: {{ .Values.autoscaling.cpuUtilization | quote }}
    {{- if eq $keda.signal "requestRate" }}
    - type: prometheus
      metricType: AverageValue
      metadata:
        serverAddress: {{ .Values.global.prometheus.url }}
        query: sum(rate(gm_http_requests_total{namespace="{{ .Release.Namespace }}", service="{{ $name }}", route!~"/health/.*"}[2m]))
        # Requests per second one replica serves within its latency objective.
        threshold: {{ $keda.requestsPerReplica | quote }}
    {{- else if eq $keda.signal "kafkaLag" }}
    - type: kafka
      metadata:
        bootstrapServers: {{ .Values.global.kafka.bootstrap }}
        consumerGroup: {{ $keda.consumerGroup }}
        topic: {{ $keda.topic }}
        lagThreshold: {{ $keda.lagThreshold | quote }}
        # Never more consumers than partitions: the rest would idle.
        allowIdleConsumers: "false"
        tls: enable
      authenticationRef:
        name: {{ .Values.global.kafka.triggerAuthentication }}
        kind: ClusterTriggerAuthentication
    {{- else if eq $keda.signal "queueAge" }}
    - type: prometheus
      metricType: Value
      metadata:
        serverAddress: {{ .Values.global.prometheus.url }}
        query: {{ $keda.query | quote }}
        # Seconds the oldest queued item may wait.
        threshold: {{ $keda.threshold | quote }}
    {{- end }}
{{- end -}}
{{- end -}}
