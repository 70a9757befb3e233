{{/* The service's ClusterIP Service: the public port and the internal (metrics) port. */}}
{{- define "gm.service" -}}
{{- include "gm.serviceNamed" (dict "root" . "name" (include "gm.name" .)) -}}
{{- end -}}

{{/* The blue-green preview Service: the new version before promotion. */}}
{{- define "gm.previewService" -}}
{{- if eq .Values.rollout.strategy "blueGreen" -}}
{{- include "gm.serviceNamed" (dict "root" . "name" (printf "%s-preview" (include "gm.name" .))) -}}
{{- end -}}
{{- end -}}

{{- define "gm.serviceNamed" -}}
{{- $root := .root -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "gm.labels" $root | nindent 4 }}
    # Copied onto every scraped series (ServiceMonitor targetLabels); the alert rules select on it.
    system: gamemetrics
spec:
  type: ClusterIP
  selector:
    {{- include "gm.selectorLabels" $root | nindent 4 }}
  ports:
    - name: http
      port: {{ $root.Values.ports.http }}
      targetPort: http
      protocol: TCP
      appProtocol: http
    - name: internal
      port: {{ $root.Values.ports.internal }}
      targetPort: internal
      protocol: TCP
      appProtocol: http
{{- end -}}
