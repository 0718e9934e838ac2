{{/*
A worker Deployment, shared by `worker` (uploads topic), `reprocessWorker` (reprocess
topic) and `bucketWorker` (topics.bucketEvents). Call with (dict "root" $ "component"
"worker" "values" .Values.worker "defaultTopic" .Values.topics.uploads).
*/}}
{{- define "fotogal.validateWorker" -}}
{{- $v := .values }}
{{- if le (int $v.terminationGracePeriodSeconds) (int $v.shutdownGraceSeconds) }}
{{- fail (printf "%s.terminationGracePeriodSeconds (%v) must be longer than %s.shutdownGraceSeconds (%v): Kubernetes kills the pod at the end of its grace period, before the worker has committed and left its consumer group" .component $v.terminationGracePeriodSeconds .component $v.shutdownGraceSeconds) }}
{{- end }}
{{- if and $v.keda.enabled $v.hpa.enabled }}
{{- fail (printf "%s: enable either keda or hpa, not both (KEDA creates its own HPA for the Deployment)" .component) }}
{{- end }}
{{- end }}

{{/*
The bucket-event workers (topics.bucketEvents set) need a topic and a consumer group of their
own: on another worker's topic every event would be processed twice; in another worker's
group the two Deployments would share one group's partitions (DESIGN.md: one group per topic).
*/}}
{{- define "fotogal.validateBucketWorker" -}}
{{- $v := .Values }}
{{- $topic := default $v.topics.bucketEvents $v.bucketWorker.topic }}
{{- $taken := list (default $v.topics.uploads $v.worker.topic) (default $v.topics.reprocess $v.reprocessWorker.topic) $v.topics.results $v.topics.dlq }}
{{- if has $topic $taken }}
{{- fail (printf "bucketWorker would consume %s, a topic the pipeline already uses (uploads, reprocess, results or dead letters): give bucket events a topic of their own, or leave topics.bucketEvents empty so the upload workers read them on the uploads topic" $topic) }}
{{- end }}
{{- if has $v.bucketWorker.group (list $v.worker.group $v.reprocessWorker.group $v.replay.group) }}
{{- fail (printf "bucketWorker.group (%s) is another consumer's group: each topic needs a group of its own" $v.bucketWorker.group) }}
{{- end }}
{{- end }}

{{- define "fotogal.workerDeployment" -}}
{{- $root := .root }}
{{- $v := .values }}
{{- include "fotogal.validateWorker" . }}
{{- $name := printf "%s-%s" (include "fotogal.fullname" $root) (.component | kebabcase) }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "fotogal.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component | kebabcase }}
spec:
  {{- /* An autoscaler owns the replica count; rendering one would reset it on each upgrade. */}}
  {{- if not (or $v.keda.enabled $v.hpa.enabled) }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: {{ $root.Values.revisionHistoryLimit }}
  selector:
    matchLabels:
      {{- include "fotogal.selectorLabels" (dict "root" $root "component" (.component | kebabcase)) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "fotogal.selectorLabels" (dict "root" $root "component" (.component | kebabcase)) | nindent 8 }}
      annotations:
        checksum/recipe: {{ include (print $root.Template.BasePath "/recipe-configmap.yaml") $root | sha256sum }}
        {{- include "fotogal.prometheusAnnotations" (dict "root" $root "port" $v.port) | nindent 8 }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "fotogal.serviceAccountName" $root }}
      {{- /* workload identity exchanges the pod's service-account token */}}
      {{- if eq $root.Values.storage.oci.auth "workload_identity" }}
      automountServiceAccountToken: true
      {{- end }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      containers:
        - name: worker
          image: {{ include "fotogal.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command: ["fotogal-worker"]
          ports:
            - name: http
              containerPort: {{ $v.port }}
          env:
            {{- include "fotogal.commonEnv" $root | nindent 12 }}
            - name: FOTOGAL_LISTEN
              value: "0.0.0.0:{{ $v.port }}"
            - name: FOTOGAL_TOPIC
              value: {{ default .defaultTopic $v.topic | quote }}
            - name: FOTOGAL_GROUP
              value: {{ $v.group | quote }}
            - name: FOTOGAL_SHUTDOWN_GRACE
              value: {{ $v.shutdownGraceSeconds | quote }}
            - name: FOTOGAL_MAX_ATTEMPTS
              value: {{ $v.maxAttempts | quote }}
            - name: FOTOGAL_DROPOFF_PREFIX
              value: {{ $root.Values.bucketEvents.dropoffPrefix | quote }}
            {{- with $v.concurrency }}
            - name: FOTOGAL_WORKER_CONCURRENCY
              value: {{ . | quote }}
            {{- end }}
            {{- if $root.Values.recipe }}
            - name: FOTOGAL_RECIPE
              value: /etc/fotogal/recipe/recipe.json
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- include "fotogal.probes" $root | nindent 10 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          volumeMounts:
            {{- include "fotogal.commonVolumeMounts" $root | nindent 12 }}
            {{- if $root.Values.recipe }}
            - name: recipe
              mountPath: /etc/fotogal/recipe
              readOnly: true
            {{- end }}
      volumes:
        {{- include "fotogal.commonVolumes" (dict "root" $root "tmpSizeLimit" $v.tmpSizeLimit) | nindent 8 }}
        {{- if $root.Values.recipe }}
        - name: recipe
          configMap:
            name: {{ include "fotogal.fullname" $root }}-recipe
        {{- end }}
      {{- include "fotogal.podScheduling" (dict "root" $root "values" $v "component" (.component | kebabcase)) | trim | nindent 6 }}
{{- end }}

{{/* PodDisruptionBudget of a worker Deployment; same arguments. */}}
{{- define "fotogal.workerPdb" -}}
{{- if .values.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "fotogal.fullname" .root }}-{{ .component | kebabcase }}
  labels:
    {{- include "fotogal.labels" .root | nindent 4 }}
    app.kubernetes.io/component: {{ .component | kebabcase }}
spec:
  maxUnavailable: {{ .values.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "fotogal.selectorLabels" (dict "root" .root "component" (.component | kebabcase)) | nindent 6 }}
{{- end }}
{{- end }}

{{/* Optional HorizontalPodAutoscaler on CPU; same arguments. */}}
{{- define "fotogal.workerHpa" -}}
{{- $v := .values }}
{{- if $v.hpa.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "fotogal.fullname" .root }}-{{ .component | kebabcase }}
  labels:
    {{- include "fotogal.labels" .root | nindent 4 }}
    app.kubernetes.io/component: {{ .component | kebabcase }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "fotogal.fullname" .root }}-{{ .component | kebabcase }}
  minReplicas: {{ $v.hpa.minReplicas }}
  maxReplicas: {{ $v.hpa.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $v.hpa.targetCPUUtilizationPercentage }}
  behavior:
    scaleDown:
      # Each scale-down costs the group a rebalance; do not flap.
      stabilizationWindowSeconds: 300
{{- end }}
{{- end }}

{{/*
Optional KEDA ScaledObject on the consumer group's lag, with the TriggerAuthentication that
hands KEDA the same SASL credentials as the workers (from the same Secret). Same arguments.
*/}}
{{- define "fotogal.workerKeda" -}}
{{- $root := .root }}
{{- $v := .values }}
{{- if $v.keda.enabled }}
{{- include "fotogal.requireApi" (dict "root" $root "api" "keda.sh/v1alpha1" "what" (printf "%s.keda" .component) "install" "KEDA 2.10 or later") }}
{{- if and (gt (int $v.keda.minReplicaCount) 0) (gt (int $v.keda.activationLagThreshold) 0) }}
{{- fail (printf "%s.keda.activationLagThreshold (%v) does nothing with minReplicaCount %v: KEDA uses it only to scale between 0 and 1 replicas. Set it to 0, or minReplicaCount to 0" .component $v.keda.activationLagThreshold $v.keda.minReplicaCount) }}
{{- end }}
{{- $name := printf "%s-%s" (include "fotogal.fullname" $root) (.component | kebabcase) }}
{{- $sasl := $root.Values.kafka.sasl.existingSecret }}
{{- $tls := hasSuffix "SSL" $root.Values.kafka.securityProtocol }}
{{- if $sasl }}
apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: {{ $name }}-kafka
  labels:
    {{- include "fotogal.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component | kebabcase }}
spec:
  secretTargetRef:
    - parameter: username
      name: {{ $sasl }}
      key: {{ $root.Values.kafka.sasl.usernameKey }}
    - parameter: password
      name: {{ $sasl }}
      key: {{ $root.Values.kafka.sasl.passwordKey }}
---
{{- end }}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ $name }}
  labels:
    {{- include "fotogal.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component | kebabcase }}
spec:
  scaleTargetRef:
    name: {{ $name }}
  pollingInterval: {{ $v.keda.pollingInterval }}
  cooldownPeriod: {{ $v.keda.cooldownPeriod }}
  minReplicaCount: {{ $v.keda.minReplicaCount }}
  maxReplicaCount: {{ $v.keda.maxReplicaCount }}
  {{- with $v.keda.fallback }}
  {{- if .replicas }}
  # While the lag cannot be read (broker or credentials trouble), hold this many replicas
  # instead of freezing at whatever count the last good reading gave.
  fallback:
    failureThreshold: {{ .failureThreshold }}
    replicas: {{ .replicas }}
  {{- end }}
  {{- end }}
  {{- with $v.keda.behavior }}
  advanced:
    horizontalPodAutoscalerConfig:
      behavior:
        {{- toYaml . | nindent 8 }}
  {{- end }}
  triggers:
    - type: kafka
      metadata:
        bootstrapServers: {{ $root.Values.kafka.brokers | quote }}
        consumerGroup: {{ $v.group | quote }}
        topic: {{ default .defaultTopic $v.topic | quote }}
        lagThreshold: {{ $v.keda.lagThreshold | quote }}
        {{- if eq (int $v.keda.minReplicaCount) 0 }}
        activationLagThreshold: {{ $v.keda.activationLagThreshold | quote }}
        {{- end }}
        offsetResetPolicy: {{ $v.keda.offsetResetPolicy | quote }}
        {{- if $sasl }}
        {{- /* KEDA names the mechanisms differently from librdkafka. */}}
        sasl: {{ get (dict "PLAIN" "plaintext" "SCRAM-SHA-256" "scram_sha256" "SCRAM-SHA-512" "scram_sha512") $root.Values.kafka.saslMechanism | quote }}
        {{- end }}
        tls: {{ ternary "enable" "disable" $tls | quote }}
      {{- if $sasl }}
      authenticationRef:
        name: {{ $name }}-kafka
      {{- end }}
{{- end }}
{{- end }}
