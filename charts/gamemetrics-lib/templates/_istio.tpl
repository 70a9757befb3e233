{{/*
Istio traffic for a canary: the VirtualService's route `primary` carries the weights Argo
Rollouts sets; the DestinationRule's subsets are the stable and canary ReplicaSets.
Mesh clients and, for a public service, the ingress gateway go through it.
*/}}
{{- define "gm.virtualService" -}}
{{- if and .Values.global.mesh.enabled (eq .Values.rollout.trafficRouting "istio") (ne .Values.rollout.strategy "blueGreen") -}}
{{- $name := include "gm.name" . -}}
{{- $host := printf "%s.%s.svc.cluster.local" $name .Release.Namespace -}}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gm.labels" . | nindent 4 }}
spec:
  hosts:
    - {{ $host }}
    {{- if .Values.ingress.enabled }}
    - {{ .Values.ingress.host }}
    {{- end }}
  gateways:
    - mesh
    {{- if .Values.ingress.enabled }}
    - {{ .Values.global.ingress.gateway }}
    {{- end }}
  http:
    - name: primary
      match:
        - port: {{ .Values.ports.http }}
        {{- if .Values.ingress.enabled }}
        {{- range .Values.ingress.pathPrefixes }}
        - gateways: [{{ $.Values.global.ingress.gateway }}]
          uri:
            prefix: {{ . }}
        {{- end }}
        {{- end }}
      route:
        - destination:
            host: {{ $host }}
            subset: stable
            port:
              number: {{ .Values.ports.http }}
          weight: 100
        - destination:
            host: {{ $host }}
            subset: canary
            port:
              number: {{ .Values.ports.http }}
          weight: 0
      timeout: {{ .Values.ingress.timeout }}
{{- end -}}
{{- end -}}

{{- define "gm.destinationRule" -}}
{{- if and .Values.global.mesh.enabled (eq .Values.rollout.trafficRouting "istio") (ne .Values.rollout.strategy "blueGreen") -}}
{{- $name := include "gm.name" . -}}
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gm.labels" . | nindent 4 }}
spec:
  host: {{ printf "%s.%s.svc.cluster.local" $name .Release.Namespace }}
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL
    connectionPool:
      http:
        # Fair share per client: one caller cannot hold every connection of the service.
        http2MaxRequests: {{ .Values.mesh.maxRequests }}
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 10s
      baseEjectionTime: 30s
      maxEjectionPercent: 50
  # Argo Rollouts adds the rollouts-pod-template-hash label of each ReplicaSet to these subsets.
  subsets:
    - name: stable
      labels:
        {{- include "gm.selectorLabels" . | nindent 8 }}
    - name: canary
      labels:
        {{- include "gm.selectorLabels" . | nindent 8 }}
{{- end -}}
{{- end -}}

{{/* Workload-level STRICT mTLS (the mesh's namespace default is also STRICT: this keeps it even if that changes). */}}
{{- define "gm.peerAuthentication" -}}
{{- if .Values.global.mesh.enabled -}}
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: {{ include "gm.name" . }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gm.labels" . | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- include "gm.selectorLabels" . | nindent 6 }}
  mtls:
    mode: STRICT
{{- end -}}
{{- end -}}
