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

{{- define "fotogal.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
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
{{- if .Values.storage.oci.existingSecret }}
- name: FOTOGAL_OCI_CONFIG
  value: /etc/fotogal/oci/{{ .Values.storage.oci.configKey }}
- name: FOTOGAL_OCI_PROFILE
  value: {{ .Values.storage.oci.profile | quote }}
{{- end }}
- name: FOTOGAL_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
{{- end }}

{{/* Volumes every pod gets: a writable /tmp and the mounted secrets and storage. */}}
{{- define "fotogal.commonVolumes" -}}
- name: tmp
  emptyDir: {}
{{- with .Values.kafka.sasl.existingSecret }}
- name: kafka-sasl
  secret:
    secretName: {{ . }}
    items:
      - key: {{ $.Values.kafka.sasl.passwordKey }}
        path: {{ $.Values.kafka.sasl.passwordKey }}
{{- end }}
{{- with .Values.storage.oci.existingSecret }}
- name: oci-api-key
  secret:
    secretName: {{ . }}
    # Owned by root, readable by the pods' group (fsGroup) only.
    defaultMode: 0440
{{- end }}
{{- if eq (include "fotogal.storageScheme" .) "file" }}
- name: data
  persistentVolumeClaim:
    claimName: {{ include "fotogal.fileClaimName" . }}
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
{{- if .Values.storage.oci.existingSecret }}
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
