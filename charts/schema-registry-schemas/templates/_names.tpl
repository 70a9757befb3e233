{{- define "srs.name" -}}schema-registry-schemas{{- end -}}

{{- define "srs.labels" -}}
app.kubernetes.io/name: {{ include "srs.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: gamemetrics
{{- end -}}
