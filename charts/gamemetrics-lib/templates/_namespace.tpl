{{/*
Namespace-wide defaults: nothing flows, and no mesh call is allowed, unless a service chart's
NetworkPolicy and AuthorizationPolicy allow an edge of the call graph. STRICT mTLS for all.
*/}}
{{- define "gm.namespaceDefaultDeny" -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: {{ .Release.Namespace }}
  labels:
    app.kubernetes.io/part-of: gamemetrics
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
{{- end -}}

{{- define "gm.namespaceAllowNothing" -}}
{{- if .Values.global.mesh.enabled -}}
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-nothing
  namespace: {{ .Release.Namespace }}
  labels:
    app.kubernetes.io/part-of: gamemetrics
# An ALLOW policy without rules matches no request: everything not allowed elsewhere is denied.
spec: {}
{{- end -}}
{{- end -}}

{{- define "gm.namespaceStrictMTLS" -}}
{{- if .Values.global.mesh.enabled -}}
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: {{ .Release.Namespace }}
  labels:
    app.kubernetes.io/part-of: gamemetrics
spec:
  mtls:
    mode: STRICT
{{- end -}}
{{- end -}}

{{/* The public entry: HTTPS only, in the gateway's namespace (global.ingress.gateway). */}}
{{- define "gm.ingressGateway" -}}
{{- if .Values.global.mesh.enabled -}}
{{- $gateway := splitList "/" .Values.global.ingress.gateway -}}
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: {{ index $gateway 1 }}
  namespace: {{ index $gateway 0 }}
  labels:
    app.kubernetes.io/part-of: gamemetrics
spec:
  selector:
    {{- toYaml .Values.global.peers.ingress.podLabels | nindent 4 }}
  servers:
    - port:
        number: 443
        name: https
        protocol: HTTPS
      tls:
        mode: SIMPLE
        credentialName: {{ .Values.gateway.tlsSecret }}
        minProtocolVersion: TLSV1_2
      hosts:
        {{- toYaml .Values.gateway.hosts | nindent 8 }}
{{- end -}}
{{- end -}}

{{/* The Gateway's certificate, renewed by cert-manager, in the gateway's namespace. */}}
{{- define "gm.ingressCertificate" -}}
{{- if .Values.global.mesh.enabled -}}
{{- $gateway := splitList "/" .Values.global.ingress.gateway -}}
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: {{ .Values.gateway.tlsSecret }}
  namespace: {{ index $gateway 0 }}
  labels:
    app.kubernetes.io/part-of: gamemetrics
spec:
  secretName: {{ .Values.gateway.tlsSecret }}
  dnsNames:
    {{- toYaml .Values.gateway.hosts | nindent 4 }}
  issuerRef:
    kind: ClusterIssuer
    name: {{ .Values.gateway.issuer }}
  privateKey:
    algorithm: ECDSA
    size: 256
    rotationPolicy: Always
{{- end -}}
{{- end -}}
