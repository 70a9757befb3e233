{{/*
The pod of every service: restricted Pod Security, the numeric user of the image, a read-only
root file system with a memory-backed /tmp, probes on the platform's health routes, the public
and internal ports of PlatformService, secrets only from the ExternalSecret's Secret.
*/}}
{{- define "gm.podTemplate" -}}
metadata:
  labels:
    {{- include "gm.labels" . | nindent 4 }}
    sidecar.istio.io/inject: {{ .Values.global.mesh.enabled | quote }}
  annotations:
    # A changed secret mapping or configuration rolls the pods.
    checksum/config: {{ (dict "env" .Values.env "secrets" .Values.secrets) | toJson | sha256sum }}
    {{- if .Values.global.mesh.enabled }}
    # The sidecar holds the pod until it can route, and outlives the service on shutdown.
    proxy.istio.io/config: '{"holdApplicationUntilProxyStarts": true, "terminationDrainDuration": "{{ .Values.shutdownGraceSeconds }}s"}'
    {{- with .Values.mesh.excludeOutboundPorts }}
    # Connections to these ports leave outside the sidecar (the mesh admits only registered
    # hosts); the pod's NetworkPolicy still limits them to the addresses its edges allow.
    traffic.sidecar.istio.io/excludeOutboundPorts: {{ join "," . | quote }}
    {{- end }}
    {{- end }}
spec:
  serviceAccountName: {{ include "gm.serviceAccountName" . }}
  automountServiceAccountToken: false
  enableServiceLinks: false
  terminationGracePeriodSeconds: {{ add .Values.shutdownGraceSeconds 5 }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: {{ .Values.topologySpread.zones }}
      labelSelector:
        matchLabels:
          {{- include "gm.selectorLabels" . | nindent 10 }}
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "gm.selectorLabels" . | nindent 10 }}
  containers:
    - name: {{ include "gm.name" . }}
      image: {{ include "gm.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      {{- with .Values.args }}
      args:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: http
          containerPort: {{ .Values.ports.http }}
          protocol: TCP
        - name: internal
          containerPort: {{ .Values.ports.internal }}
          protocol: TCP
      env:
        {{- include "gm.env" . | nindent 8 }}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        runAsNonRoot: true
        runAsUser: 10001
        capabilities:
          drop: ["ALL"]
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      startupProbe:
        httpGet:
          path: /health/live
          port: http
        periodSeconds: 2
        failureThreshold: 30
      livenessProbe:
        httpGet:
          path: /health/live
          port: http
        periodSeconds: 10
        timeoutSeconds: 2
        failureThreshold: 3
      readinessProbe:
        httpGet:
          path: /health/ready
          port: http
        periodSeconds: 5
        # Readiness probes each dependency with its own timeout.
        timeoutSeconds: 4
        failureThreshold: 2
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if .Values.secrets.files }}
        - name: secret-files
          mountPath: /var/run/secrets/gamemetrics
          readOnly: true
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        medium: Memory
        sizeLimit: 64Mi
    {{- if .Values.secrets.files }}
    - name: secret-files
      secret:
        secretName: {{ include "gm.secretName" . }}
        defaultMode: 0400
        items:
          {{- range $variable, $_ := .Values.secrets.files }}
          - key: {{ $variable }}
            path: {{ $variable | lower }}
          {{- end }}
    {{- end }}
{{- end -}}

{{/* The container's environment: listen ports and grace, addresses, GM_* settings, secret file paths. */}}
{{- define "gm.env" -}}
- name: GM_HTTP_PORT
  value: {{ .Values.ports.http | quote }}
- name: GM_INTERNAL_HTTP_PORT
  value: {{ .Values.ports.internal | quote }}
- name: GM_SHUTDOWN_GRACE_MS
  value: {{ mul .Values.shutdownGraceSeconds 1000 | quote }}
{{- include "gm.dependencyEnv" . }}
{{- with .Values.ingress.trustedProxiesVariable }}
- name: {{ . }}
  value: {{ $.Values.global.ingress.trustedProxyHops | quote }}
{{- end }}
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- range $variable, $_ := .Values.secrets.files }}
- name: {{ $variable }}_FILE
  value: /var/run/secrets/gamemetrics/{{ $variable | lower }}
{{- end }}
{{- end -}}


{{/*
Addresses of what the service calls, from its call-graph edges (so an address is never set
without the edge that lets it through): GM_<SERVICE>_URL / _INTERNAL_URL, GM_KAFKA_BOOTSTRAP.
Credentials, and URLs that carry one (GM_PG_URL, GM_REDIS_URL), come from secrets.files.
*/}}
{{- define "gm.dependencyEnv" -}}
{{- $name := include "gm.name" . -}}
{{- $graph := .Values.global.callGraph -}}
{{- range $graph.edges }}
{{- if eq .from $name }}
{{- if hasKey $graph.services .to }}
{{- $variable := printf "GM_%s_%s" (.to | upper | replace "-" "_") (ternary "URL" "INTERNAL_URL" (eq .port "http")) }}
- name: {{ $variable }}
  value: {{ printf "http://%s:%v" .to (index (index $graph.services .to) .port) | quote }}
{{- else if eq .to "kafka" }}
{{- /* Strimzi's listener: TLS with the cluster CA, SCRAM-SHA-512 as the service's KafkaUser
(charts/kafka values.users, named like the service), whose password and the CA come from the
secret store (secrets.files). */}}
{{- range list "GM_KAFKA_SASL_PASSWORD" "GM_KAFKA_SSL_CA" }}
{{- if not (hasKey $.Values.secrets.files .) }}
{{- fail (printf "%s calls Kafka: secrets.files needs %s (its KafkaUser's password; the cluster CA)" $name .) }}
{{- end }}
{{- end }}
- name: GM_KAFKA_BOOTSTRAP
  value: {{ $.Values.global.kafka.bootstrap | quote }}
- name: GM_KAFKA_SECURITY_PROTOCOL
  value: sasl_ssl
- name: GM_KAFKA_SASL_MECHANISM
  value: SCRAM-SHA-512
- name: GM_KAFKA_SASL_USERNAME
  value: {{ $name | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}
