{{/*
Who may talk to whom, from the one call graph (global.callGraph, charts/platform-values.yaml):
each edge {from, to, port} is rendered as the caller's egress and the callee's ingress rule of
the NetworkPolicy and, when the callee is a service, as an Istio AuthorizationPolicy of its own.
Everything not listed is denied (charts/platform-network holds the namespace defaults).
*/}}
{{- define "gm.networkPolicy" -}}
{{- $name := include "gm.name" . -}}
{{- $graph := .Values.global.callGraph -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gm.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "gm.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress, Egress]
  ingress:
    {{- range $graph.edges }}
    {{- if eq .to $name }}
    - from:
        {{- include "gm.peerSelector" (dict "root" $ "peer" .from) | nindent 8 }}
      ports:
        - port: {{ index $.Values.ports .port }}
          protocol: TCP
    {{- end }}
    {{- end }}
  egress:
    # Name resolution.
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    {{- if .Values.global.mesh.enabled }}
    # The sidecar's certificates and configuration.
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ .Values.global.mesh.controlPlaneNamespace }}
          podSelector:
            matchLabels:
              app: istiod
      ports:
        - port: 15012
          protocol: TCP
    {{- end }}
    {{- range $graph.edges }}
    {{- if eq .from $name }}
    {{- include "gm.egressRule" (dict "root" $ "to" .to "port" .port "from" $name) | nindent 4 }}
    {{- end }}
    {{- end }}
{{- end -}}

{{/* The NetworkPolicy peer of a caller: a service of this namespace, or a platform peer (ingress gateway, Prometheus). */}}
{{- define "gm.peerSelector" -}}
{{- $graph := .root.Values.global.callGraph -}}
{{- if hasKey $graph.services .peer -}}
- podSelector:
    matchLabels:
      app.kubernetes.io/name: {{ .peer }}
{{- else -}}
{{- $peer := required (printf "global.peers has no %q" .peer) (index .root.Values.global.peers .peer) -}}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ $peer.namespace }}
  podSelector:
    matchLabels:
      {{- toYaml $peer.podLabels | nindent 6 }}
{{- end -}}
{{- end -}}

{{/* One ALLOW AuthorizationPolicy per edge into the service: that caller's identity, that port. */}}
{{- define "gm.authorizationPolicies" -}}
{{- if .Values.global.mesh.enabled -}}
{{- $name := include "gm.name" . -}}
{{- $graph := .Values.global.callGraph -}}
{{- $first := true -}}
{{- range $graph.edges }}
{{- if eq .to $name }}
{{- if not $first }}
---
{{- end }}
{{- $first = false }}
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: {{ printf "%s-from-%s-%s" $name .from .port | trunc 63 | trimSuffix "-" }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gm.labels" $ | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- include "gm.selectorLabels" $ | nindent 6 }}
  action: ALLOW
  rules:
    - from:
        - source:
            principals:
              {{- if hasKey $graph.services .from }}
              - {{ include "gm.principal" (dict "root" $ "name" .from) }}
              {{- else }}
              - {{ (index $.Values.global.peers .from).principal }}
              {{- end }}
      to:
        - operation:
            ports: ["{{ index $.Values.ports .port }}"]
{{- end }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* One egress rule: to a service of this namespace (its port by name) or to a destination. */}}
{{- define "gm.egressRule" -}}
{{- $graph := .root.Values.global.callGraph -}}
{{- if hasKey $graph.services .to -}}
- to:
    - podSelector:
        matchLabels:
          app.kubernetes.io/name: {{ .to }}
  ports:
    - port: {{ index (index $graph.services .to) .port }}
      protocol: TCP
{{- else -}}
{{- $destination := required (printf "global.destinations has no %q (edge from %s)" .to .from) (index .root.Values.global.destinations .to) -}}
- to:
    {{- if $destination.ipBlocks }}
    {{- range $destination.ipBlocks }}
    - ipBlock:
        {{- toYaml . | nindent 8 }}
    {{- end }}
    {{- else }}
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ $destination.namespace }}
      podSelector:
        matchLabels:
          {{- toYaml $destination.podLabels | nindent 10 }}
    {{- end }}
  ports:
    {{- range $destination.ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
{{- end -}}
{{- end -}}
