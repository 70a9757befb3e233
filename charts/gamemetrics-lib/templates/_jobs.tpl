{{/*
Jobs run the service's image with another command, as pods of their own: their own name (so
no Service sends them requests), ServiceAccount and NetworkPolicy (edges from "<job name>" in
the call graph), no sidecar (a sidecar would keep the Job from completing).
*/}}
{{- define "gm.jobPod" -}}
{{- $root := .root -}}
metadata:
  labels:
    app.kubernetes.io/name: {{ .name }}
    app.kubernetes.io/instance: {{ $root.Release.Name }}
    app.kubernetes.io/part-of: gamemetrics
    sidecar.istio.io/inject: "false"
spec:
  serviceAccountName: {{ .name }}
  automountServiceAccountToken: false
  enableServiceLinks: false
  restartPolicy: Never
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: {{ .name }}
      image: {{ include "gm.image" $root }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args:
        {{- toYaml .args | nindent 8 }}
      env:
        {{- range $name, $value := $root.Values.env }}
        - name: {{ $name }}
          value: {{ $value | toString | quote }}
        {{- end }}
        {{- range $variable := .secretFiles }}
        - name: {{ $variable }}_FILE
          value: /var/run/secrets/gamemetrics/{{ $variable | lower }}
        {{- end }}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        runAsNonRoot: true
        runAsUser: 10001
        capabilities:
          drop: ["ALL"]
      resources:
        {{- toYaml $root.Values.jobResources | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if .secretFiles }}
        - name: secret-files
          mountPath: /var/run/secrets/gamemetrics
          readOnly: true
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        medium: Memory
        sizeLimit: 64Mi
    {{- if .secretFiles }}
    - name: secret-files
      secret:
        secretName: {{ .secretName }}
        defaultMode: 0400
        items:
          {{- range $variable := .secretFiles }}
          - key: {{ $variable }}
            path: {{ $variable | lower }}
          {{- end }}
    {{- end }}
{{- end -}}

{{/* A Job's own ServiceAccount: no API token. */}}
{{- define "gm.jobServiceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    app.kubernetes.io/name: {{ .name }}
    app.kubernetes.io/part-of: gamemetrics
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end -}}

{{/* A Job's NetworkPolicy: no ingress; egress to name resolution and its call-graph edges. */}}
{{- define "gm.jobNetworkPolicy" -}}
{{- $root := .root -}}
{{- $graph := $root.Values.global.callGraph -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    app.kubernetes.io/name: {{ .name }}
    app.kubernetes.io/part-of: gamemetrics
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: {{ .name }}
  policyTypes: [Ingress, Egress]
  egress:
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
    {{- range $graph.edges }}
    {{- if eq .from $.name }}
    {{- include "gm.egressRule" (dict "root" $root "to" .to "port" .port "from" $.name) | nindent 4 }}
    {{- end }}
    {{- end }}
{{- end -}}

{{/*
The schema migration, before every sync (Argo CD PreSync hook; helm pre-install/upgrade):
`<service> migrate` as the schema owner, whose credential only this Job gets. Its secret,
account and policy are hooks too, one wave earlier, since hooks run before anything else.
*/}}
{{- define "gm.migrationHookAnnotations" -}}
argocd.argoproj.io/hook: PreSync
argocd.argoproj.io/sync-wave: "-1"
argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
{{- end -}}

{{- define "gm.migrationServiceAccount" -}}
{{- if .Values.migrations.enabled -}}
{{- include "gm.jobServiceAccount" (dict "root" . "name" (printf "%s-migrate" (include "gm.name" .)) "annotations" (include "gm.migrationHookAnnotations" . | fromYaml)) -}}
{{- end -}}
{{- end -}}

{{- define "gm.migrationNetworkPolicy" -}}
{{- if .Values.migrations.enabled -}}
{{- include "gm.jobNetworkPolicy" (dict "root" . "name" (printf "%s-migrate" (include "gm.name" .)) "annotations" (include "gm.migrationHookAnnotations" . | fromYaml)) -}}
{{- end -}}
{{- end -}}

{{- define "gm.migrationExternalSecret" -}}
{{- if .Values.migrations.enabled -}}
{{- $name := printf "%s-migrate" (include "gm.name" .) -}}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    app.kubernetes.io/name: {{ $name }}
    app.kubernetes.io/part-of: gamemetrics
  annotations:
    {{- include "gm.migrationHookAnnotations" . | nindent 4 }}
spec:
  refreshInterval: {{ .Values.secrets.refreshInterval }}
  secretStoreRef:
    kind: {{ .Values.global.secretStore.kind }}
    name: {{ .Values.global.secretStore.name }}
  target:
    name: {{ $name }}
    creationPolicy: Owner
  data:
    - secretKey: GM_PG_MIGRATION_URL
      remoteRef:
        key: {{ .Values.migrations.secret.key }}
        property: {{ .Values.migrations.secret.property }}
{{- end -}}
{{- end -}}

{{- define "gm.migrationJob" -}}
{{- if .Values.migrations.enabled -}}
{{- $name := printf "%s-migrate" (include "gm.name" .) -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    app.kubernetes.io/name: {{ $name }}
    app.kubernetes.io/part-of: gamemetrics
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
    helm.sh/hook: pre-install,pre-upgrade
spec:
  backoffLimit: 2
  activeDeadlineSeconds: 600
  ttlSecondsAfterFinished: 86400
  template:
    {{- include "gm.jobPod" (dict "root" . "name" $name "args" (list "migrate") "secretFiles" (list "GM_PG_MIGRATION_URL") "secretName" $name) | nindent 4 }}
{{- end -}}
{{- end -}}

{{/* Scheduled commands of the service (values cronJobs), each with the service's secrets. */}}
{{- define "gm.cronJobName" -}}
{{- printf "%s-%s" (include "gm.name" .root) .job.name -}}
{{- end -}}

{{- define "gm.cronJobServiceAccounts" -}}
{{- range $index, $job := .Values.cronJobs }}
{{- if $index }}
---
{{- end }}
{{ include "gm.jobServiceAccount" (dict "root" $ "name" (include "gm.cronJobName" (dict "root" $ "job" $job))) }}
{{- end }}
{{- end -}}

{{- define "gm.cronJobNetworkPolicies" -}}
{{- range $index, $job := .Values.cronJobs }}
{{- if $index }}
---
{{- end }}
{{ include "gm.jobNetworkPolicy" (dict "root" $ "name" (include "gm.cronJobName" (dict "root" $ "job" $job))) }}
{{- end }}
{{- end -}}

{{- define "gm.cronJobs" -}}
{{- range $index, $job := .Values.cronJobs }}
{{- $name := include "gm.cronJobName" (dict "root" $ "job" $job) }}
{{- if $index }}
---
{{- end }}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    app.kubernetes.io/name: {{ $name }}
    app.kubernetes.io/part-of: gamemetrics
spec:
  schedule: {{ $job.schedule | quote }}
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 600
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 5
  jobTemplate:
    spec:
      backoffLimit: 1
      activeDeadlineSeconds: {{ $job.activeDeadlineSeconds | default 1800 }}
      template:
        {{- include "gm.jobPod" (dict "root" $ "name" $name "args" $job.args "secretFiles" $job.secretFiles "secretName" (include "gm.secretName" $)) | nindent 8 }}
{{- end }}
{{- end -}}
