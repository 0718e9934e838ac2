{{/* Names and labels. */}}
{{- define "fotogal.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "fotogal.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "fotogal.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "fotogal.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component: call with (dict "root" $ "component" "worker"). */}}
{{- define "fotogal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fotogal.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "fotogal.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "fotogal.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag, or repository@digest when a digest is given (it pins the image). */}}
{{- define "fotogal.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
Fails with an actionable message when the cluster lacks an API group a value asks for (KEDA's
or the Prometheus Operator's CRDs): applying the chart would otherwise stop half-way with
"no matches for kind". Call with (dict "root" $ "api" "keda.sh/v1alpha1" "what" "worker.keda"
"install" "KEDA 2.10 or later").
*/}}
{{- define "fotogal.requireApi" -}}
{{- if not (.root.Capabilities.APIVersions.Has .api) }}
{{- fail (printf "%s is enabled, but the cluster has no %s API: install %s first (its CRDs), or turn %s off. With `helm template`, pass --api-versions %s." .what .api .install .what .api) }}
{{- end }}
{{- end }}

{{/* "true" when the OCI API key Secret is mounted: it is set and the identity is api_key. */}}
{{- define "fotogal.ociKeyMounted" -}}
{{- if and .Values.storage.oci.existingSecret (eq .Values.storage.oci.auth "api_key") }}true{{ end }}
{{- end }}

{{- define "fotogal.storageScheme" -}}
{{- regexFind "^[a-z0-9]+" .Values.storage.url }}
{{- end }}

{{- define "fotogal.fileClaimName" -}}
{{- default (printf "%s-data" (include "fotogal.fullname" .)) .Values.storage.file.existingClaim }}
{{- end }}

{{/*
Environment shared by every binary: Kafka, topics, storage, logging. Secrets come only
through secretKeyRef or mounted files, never as values.
*/}}
{{- define "fotogal.commonEnv" -}}
{{- if regexMatch "(^|;)[[:space:]]*(message\\.send\\.max\\.retries|retries)[[:space:]]*=" .Values.kafka.properties }}
{{- fail "kafka.properties must not set message.send.max.retries/retries: the producers retry without limit inside their delivery timeout (DESIGN §5), and properties are applied last, so a count would override that and turn broker hiccups into 503s and lost result events" }}
{{- end -}}
- name: FOTOGAL_KAFKA_BROKERS
  value: {{ .Values.kafka.brokers | quote }}
- name: FOTOGAL_KAFKA_SECURITY_PROTOCOL
  value: {{ .Values.kafka.securityProtocol | quote }}
- name: FOTOGAL_KAFKA_SASL_MECHANISM
  value: {{ .Values.kafka.saslMechanism | quote }}
{{- with .Values.kafka.sasl.existingSecret }}
- name: FOTOGAL_KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.kafka.sasl.usernameKey }}
- name: FOTOGAL_KAFKA_SASL_PASSWORD_FILE
  value: /etc/fotogal/kafka/{{ $.Values.kafka.sasl.passwordKey }}
{{- end }}
- name: FOTOGAL_KAFKA_IDEMPOTENCE
  value: {{ .Values.kafka.idempotence | quote }}
{{- with .Values.kafka.properties }}
- name: FOTOGAL_KAFKA_PROPERTIES
  value: {{ . | quote }}
{{- end }}
- name: FOTOGAL_TOPIC_UPLOADS
  value: {{ .Values.topics.uploads | quote }}
- name: FOTOGAL_TOPIC_REPROCESS
  value: {{ .Values.topics.reprocess | quote }}
- name: FOTOGAL_TOPIC_RESULTS
  value: {{ .Values.topics.results | quote }}
- name: FOTOGAL_TOPIC_DLQ
  value: {{ .Values.topics.dlq | quote }}
- name: FOTOGAL_STORAGE
  value: {{ .Values.storage.url | quote }}
{{- with .Values.storage.s3.existingSecret }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.storage.s3.accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.storage.s3.secretAccessKeyKey }}
{{- if $.Values.storage.s3.sessionTokenKey }}
- name: AWS_SESSION_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.storage.s3.sessionTokenKey }}
{{- end }}
{{- end }}
{{- if eq (include "fotogal.storageScheme" .) "oci" }}
- name: FOTOGAL_OCI_AUTH
  value: {{ .Values.storage.oci.auth | quote }}
{{- end }}
{{- if include "fotogal.ociKeyMounted" . }}
- name: FOTOGAL_OCI_CONFIG
  value: /etc/fotogal/oci/{{ .Values.storage.oci.configKey }}
- name: FOTOGAL_OCI_PROFILE
  value: {{ .Values.storage.oci.profile | quote }}
{{- end }}
- name: FOTOGAL_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
{{- end }}

{{/*
Volumes every pod gets: a writable /tmp (capped, so a runaway temp file evicts the pod rather
than filling the node) and the mounted secrets and storage. Call with
(dict "root" $ "tmpSizeLimit" "1Gi").
*/}}
{{- define "fotogal.commonVolumes" -}}
{{- $root := .root -}}
- name: tmp
  emptyDir:
    {{- with .tmpSizeLimit }}
    sizeLimit: {{ . }}
    {{- else }} {}
    {{- end }}
{{- with $root }}
{{- with .Values.kafka.sasl.existingSecret }}
- name: kafka-sasl
  secret:
    secretName: {{ . }}
    items:
      - key: {{ $root.Values.kafka.sasl.passwordKey }}
        path: {{ $root.Values.kafka.sasl.passwordKey }}
{{- end }}
{{- if include "fotogal.ociKeyMounted" . }}
{{- with .Values.storage.oci.existingSecret }}
- name: oci-api-key
  secret:
    secretName: {{ . }}
    # Owned by root, readable by the pods' group (fsGroup) only.
    defaultMode: 0440
{{- end }}
{{- end }}
{{- if eq (include "fotogal.storageScheme" .) "file" }}
- name: data
  persistentVolumeClaim:
    claimName: {{ include "fotogal.fileClaimName" . }}
{{- end }}
{{- end }}
{{- end }}

{{- define "fotogal.commonVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.kafka.sasl.existingSecret }}
- name: kafka-sasl
  mountPath: /etc/fotogal/kafka
  readOnly: true
{{- end }}
{{- if include "fotogal.ociKeyMounted" . }}
- name: oci-api-key
  mountPath: /etc/fotogal/oci
  readOnly: true
{{- end }}
{{- if eq (include "fotogal.storageScheme" .) "file" }}
- name: data
  mountPath: {{ trimPrefix "file://" .Values.storage.url }}
{{- end }}
{{- end }}

{{/* prometheus.io scrape annotations for a pod serving /metrics on `port`. */}}
{{- define "fotogal.prometheusAnnotations" -}}
{{- if .root.Values.metrics.prometheusAnnotations -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end }}

{{/* Liveness and readiness on the binaries' own endpoints (named port "http"). */}}
{{- define "fotogal.probes" -}}
startupProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: 2
  failureThreshold: 30
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end }}

{{/*
Scheduling of one component's pods: priority class, spread over zones, OCI fault domains and
nodes, node selector, tolerations, affinity. Call with (dict "root" $ "values" .Values.worker
"component" "worker").
*/}}
{{- define "fotogal.podScheduling" -}}
{{- $root := .root }}
{{- $v := .values }}
{{- $component := .component }}
{{- with (default $root.Values.priorityClassName $v.priorityClassName) }}
priorityClassName: {{ . }}
{{- end }}
{{- if $v.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml $v.topologySpreadConstraints | nindent 2 }}
{{- else if $root.Values.topologySpread.enabled }}
topologySpreadConstraints:
  {{- range $root.Values.topologySpread.topologyKeys }}
  - maxSkew: {{ $root.Values.topologySpread.maxSkew }}
    topologyKey: {{ . }}
    whenUnsatisfiable: {{ $root.Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "fotogal.selectorLabels" (dict "root" $root "component" $component) | nindent 8 }}
  {{- end }}
{{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
