{{/* The service's name: the chart's name, one release per service and namespace. */}}
{{- define "gm.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "gm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "gm.labels" -}}
{{ include "gm.selectorLabels" . }}
app.kubernetes.io/version: {{ include "gm.imageTag" . | quote }}
app.kubernetes.io/part-of: gamemetrics
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "gm.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end -}}

{{/* registry/repository:tag, or @digest when a digest is pinned (staging and prod pin one). */}}
{{- define "gm.image" -}}
{{- $registry := .Values.global.imageRegistry -}}
{{- $repository := printf "%s/%s" $registry .Values.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (include "gm.imageTag" .) -}}
{{- end -}}
{{- end -}}

{{- define "gm.serviceAccountName" -}}
{{- include "gm.name" . -}}
{{- end -}}

{{/* The Secret the ExternalSecret writes. */}}
{{- define "gm.secretName" -}}
{{- printf "%s-secrets" (include "gm.name" .) -}}
{{- end -}}

{{/* The SPIFFE principal of a service's ServiceAccount in this namespace (mesh identity). */}}
{{- define "gm.principal" -}}
{{- printf "%s/ns/%s/sa/%s" .root.Values.global.mesh.trustDomain .root.Release.Namespace .name -}}
{{- end -}}
