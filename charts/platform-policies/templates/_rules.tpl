{{/*
Every rule exists twice: over Pods, which Kyverno's autogen extends to every controller it knows
(Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob), and over
Argo Rollouts (argoproj.io/v1alpha1), which autogen does not know. Both check the same pod spec
pattern; a Rollout that names a workloadRef instead of a template is checked through the
Deployment it references.
*/}}

{{- define "policies.metadata" -}}
name: {{ .name }}
labels:
  app.kubernetes.io/name: platform-policies
  app.kubernetes.io/managed-by: {{ .root.Release.Service }}
annotations:
  policies.kyverno.io/title: {{ .title | quote }}
  policies.kyverno.io/category: GameMetrics Pro
  policies.kyverno.io/subject: Pod, Rollout
  policies.kyverno.io/description: {{ .description | quote }}
  # Named rather than defaulted, so that what the Pod rules extend to is visible here.
  pod-policies.kyverno.io/autogen-controllers: DaemonSet,Deployment,Job,StatefulSet,ReplicaSet,ReplicationController,CronJob
{{- end }}

{{- define "policies.exclude" -}}
exclude:
  any:
    - resources:
        namespaces:
          {{- range $namespace, $reason := .Values.excludedNamespaces }}
          - {{ $namespace }}
          {{- end }}
{{- end }}

{{/* Validate rules from one pod-spec pattern (podSpec) or several alternatives (anyPodSpec). */}}
{{- define "policies.validate" -}}
{{- $root := .root -}}
{{- range $kind := list "Pod" "Rollout" }}
- name: {{ $.name }}{{ if eq $kind "Rollout" }}-rollout{{ end }}
  match:
    any:
      - resources:
          kinds:
            - {{ if eq $kind "Rollout" }}argoproj.io/v1alpha1/Rollout{{ else }}Pod{{ end }}
  {{- include "policies.exclude" $root | nindent 2 }}
  validate:
    failureAction: {{ $root.Values.failureAction }}
    message: {{ $.message | quote }}
    {{- if $.podSpec }}
    pattern:
      {{- include "policies.around" (dict "kind" $kind "podSpec" $.podSpec) | nindent 6 }}
    {{- else }}
    anyPattern:
      {{- range $podSpec := $.anyPodSpec }}
      - {{- include "policies.around" (dict "kind" $kind "podSpec" $podSpec) | nindent 8 }}
      {{- end }}
    {{- end }}
{{- end }}
{{- end }}

{{/* The pod spec pattern where the kind keeps its pod spec. */}}
{{- define "policies.around" -}}
{{- if eq .kind "Rollout" -}}
{{- toYaml (dict "spec" (dict "=(template)" (dict "spec" .podSpec))) -}}
{{- else -}}
{{- toYaml (dict "spec" .podSpec) -}}
{{- end -}}
{{- end }}
