{{/*
The workload: an Argo Rollout. HTTP services run a canary whose weights Istio applies to
requests (VirtualService + DestinationRule subsets); a service with `rollout.strategy:
blueGreen` switches all sessions at once after its preview passed analysis; a consumer
(`rollout.trafficRouting: replicas`) runs its canary on a share of the replicas.
*/}}
{{- define "gm.rollout" -}}
{{- $name := include "gm.name" . -}}
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gm.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "gm.selectorLabels" . | nindent 6 }}
  template:
    {{- include "gm.podTemplate" . | nindent 4 }}
  strategy:
    {{- if eq .Values.rollout.strategy "blueGreen" }}
    blueGreen:
      activeService: {{ $name }}
      previewService: {{ $name }}-preview
      autoPromotionEnabled: true
      # The preview must pass analysis before it takes any session.
      prePromotionAnalysis:
        templates:
          - templateName: {{ $name }}
        args:
          # The preview's pods are scraped through both Services under this one name.
          - name: service
            value: {{ $name }}
          - name: namespace
            value: {{ .Release.Namespace }}
          - name: pod-template-hash
            valueFrom:
              podTemplateHashValue: Latest
      # The previous version keeps running until clients have reconnected.
      scaleDownDelaySeconds: {{ .Values.rollout.blueGreen.scaleDownDelaySeconds }}
    {{- else }}
    canary:
      {{- if and .Values.global.mesh.enabled (eq .Values.rollout.trafficRouting "istio") }}
      dynamicStableScale: true
      trafficRouting:
        istio:
          virtualService:
            name: {{ $name }}
            routes:
              - primary
          destinationRule:
            name: {{ $name }}
            canarySubsetName: canary
            stableSubsetName: stable
      {{- end }}
      abortScaleDownDelaySeconds: 30
      maxSurge: "25%"
      maxUnavailable: 0
      analysis:
        templates:
          - templateName: {{ $name }}
        # From the first step on, in the background: a failure aborts at any weight.
        startingStep: 1
        args:
          - name: service
            value: {{ $name }}
          - name: namespace
            value: {{ .Release.Namespace }}
          - name: pod-template-hash
            valueFrom:
              podTemplateHashValue: Latest
      steps:
        {{- toYaml .Values.rollout.canary.steps | nindent 8 }}
    {{- end }}
{{- end -}}
