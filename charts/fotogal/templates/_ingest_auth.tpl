{{/*
Ingest's edge: authentication, quotas and slow-client limits. Credentials stay references:
API keys come from a mounted Secret, OIDC settings from a ConfigMap (configMapKeyRef).
*/}}

{{/* Bytes of a Kubernetes quantity ("2Gi", "1500M", "1073741824"); empty when unparsable. */}}
{{- define "fotogal.quantityBytes" -}}
{{- $q := toString . }}
{{- $m := regexFind "^[0-9]+(\\.[0-9]+)?" $q }}
{{- $units := dict "" 1 "k" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 }}
{{- $unit := trimPrefix $m $q }}
{{- if and $m (hasKey $units $unit) }}
{{- mulf (float64 $m) (index $units $unit) | int64 }}
{{- end }}
{{- end }}

{{/* Refuses ingest values that cannot work, with what to do instead. */}}
{{- define "fotogal.ingestChecks" -}}
{{- $v := .Values.ingest }}
{{- $a := $v.auth }}
{{- if and (eq $a.mode "api_key") (not $a.apiKeys.existingSecret) }}
{{- fail "ingest.auth.mode is api_key (the default) but ingest.auth.apiKeys.existingSecret is empty: create the keys Secret (kubectl create secret generic fotogal-api-keys --from-file=keys=./keys; scripts/api-key.sh NAME prints a line for ./keys) and set ingest.auth.apiKeys.existingSecret=fotogal-api-keys, or use ingest.auth.mode=oidc, or ingest.auth.mode=none to let anyone who reaches the service upload" }}
{{- end }}
{{- if and (eq $a.mode "oidc") (not $a.oidc.existingConfigMap) }}
{{- fail "ingest.auth.mode is oidc but ingest.auth.oidc.existingConfigMap is empty: create a ConfigMap with the keys issuer, audience and jwks (kubectl create configmap fotogal-oidc --from-literal=issuer=<the iss claim of your tokens> --from-literal=audience=<their aud> --from-literal=jwks=<JWKS URL, for an OCI identity domain <domain URL>/admin/v1/SigningCert/jwk>) and set ingest.auth.oidc.existingConfigMap=fotogal-oidc" }}
{{- end }}
{{- if and (eq $v.uploadUrls.mode "ingest") (gt (int $v.replicaCount) 1) (not $v.uploadUrls.secret.existingSecret) }}
{{- fail (printf "ingest.uploadUrls.mode is ingest with %v replicas but ingest.uploadUrls.secret.existingSecret is empty: each pod would sign upload URLs with a key of its own and refuse the others' (403); create one (kubectl create secret generic fotogal-upload-urls --from-literal=secret=$(openssl rand -hex 32)) and set ingest.uploadUrls.secret.existingSecret=fotogal-upload-urls" $v.replicaCount) }}
{{- end }}
{{- if lt (int64 $v.maxInflightBytes) (int64 $v.maxUploadBytes) }}
{{- fail (printf "ingest.maxInflightBytes (%v) is below ingest.maxUploadBytes (%v): an upload of the largest allowed size could never be admitted; raise maxInflightBytes or lower maxUploadBytes" (int64 $v.maxInflightBytes) (int64 $v.maxUploadBytes)) }}
{{- end }}
{{- with $v.tmpSizeLimit }}
{{- $tmp := include "fotogal.quantityBytes" . }}
{{- if and $tmp (ge (int64 $v.maxInflightBytes) (int64 $tmp)) }}
{{- fail (printf "ingest.maxInflightBytes (%v) must be below ingest.tmpSizeLimit (%v = %v bytes): upload bodies in flight are spooled to /tmp, and an emptyDir over its limit gets the pod evicted; raise tmpSizeLimit or lower maxInflightBytes" (int64 $v.maxInflightBytes) . $tmp) }}
{{- end }}
{{- end }}
{{- end }}

{{/* Ingest's own environment: auth, quotas, client limits, CORS. */}}
{{- define "fotogal.ingestEnv" -}}
{{- $v := .Values.ingest }}
{{- $a := $v.auth -}}
- name: FOTOGAL_AUTH
  value: {{ $a.mode | quote }}
{{- if eq $a.mode "api_key" }}
- name: FOTOGAL_API_KEYS_FILE
  value: /etc/fotogal/api-keys/{{ $a.apiKeys.key }}
{{- else if eq $a.mode "oidc" }}
{{- $cm := $a.oidc.existingConfigMap }}
- name: FOTOGAL_OIDC_ISSUER
  valueFrom:
    configMapKeyRef:
      name: {{ $cm }}
      key: issuer
- name: FOTOGAL_OIDC_AUDIENCE
  valueFrom:
    configMapKeyRef:
      name: {{ $cm }}
      key: audience
- name: FOTOGAL_OIDC_JWKS
{{- if $a.oidc.jwksConfigMap }}
  value: /etc/fotogal/oidc/{{ $a.oidc.jwksKey }}
{{- else }}
  valueFrom:
    configMapKeyRef:
      name: {{ $cm }}
      key: jwks
{{- end }}
- name: FOTOGAL_OIDC_CLOCK_SKEW
  value: {{ $a.oidc.clockSkewSeconds | quote }}
- name: FOTOGAL_OIDC_PRINCIPAL_CLAIM
  value: {{ $a.oidc.principalClaim | quote }}
{{- end }}
- name: FOTOGAL_RATE_UPLOADS
  value: {{ $v.rateLimit.uploadsPerSecond | quote }}
- name: FOTOGAL_RATE_UPLOADS_BURST
  value: {{ $v.rateLimit.uploadsBurst | quote }}
- name: FOTOGAL_RATE_BYTES
  value: {{ $v.rateLimit.bytesPerSecond | int64 | quote }}
- name: FOTOGAL_RATE_BYTES_BURST
  value: {{ $v.rateLimit.bytesBurst | int64 | quote }}
- name: FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL
  value: {{ $v.rateLimit.concurrentUploads | quote }}
- name: FOTOGAL_MAX_INFLIGHT_BYTES
  value: {{ $v.maxInflightBytes | int64 | quote }}
- name: FOTOGAL_SPOOL_DIR
  value: /tmp
- name: FOTOGAL_HEADER_TIMEOUT
  value: {{ $v.clientLimits.headerTimeoutSeconds | quote }}
- name: FOTOGAL_IDLE_TIMEOUT
  value: {{ $v.clientLimits.idleTimeoutSeconds | quote }}
- name: FOTOGAL_MIN_BODY_RATE
  value: {{ $v.clientLimits.minBodyRateBytesPerSecond | int64 | quote }}
- name: FOTOGAL_BODY_GRACE
  value: {{ $v.clientLimits.bodyGraceSeconds | quote }}
- name: FOTOGAL_MAX_CONNECTIONS
  value: {{ $v.clientLimits.maxConnections | quote }}
- name: FOTOGAL_HTTP_THREADS
  value: {{ $v.clientLimits.httpThreads | quote }}
- name: FOTOGAL_UPLOAD_URLS
  value: {{ $v.uploadUrls.mode | quote }}
- name: FOTOGAL_UPLOAD_URL_TTL
  value: {{ $v.uploadUrls.ttlSeconds | int64 | quote }}
{{- with $v.uploadUrls.publicUrl }}
- name: FOTOGAL_PUBLIC_URL
  value: {{ . | quote }}
{{- end }}
{{- with $v.uploadUrls.secret.existingSecret }}
- name: FOTOGAL_UPLOAD_URL_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $v.uploadUrls.secret.key }}
{{- end }}
{{- with $v.cors.origins }}
- name: FOTOGAL_CORS_ORIGINS
  value: {{ join "," . | quote }}
{{- end }}
{{- end }}

{{/*
The keys Secret and the JWKS ConfigMap. Mounted as whole directories and never with subPath:
the kubelet swaps a Secret volume's files atomically when the Secret changes, but a subPath
mount keeps the file it was started with, so a rotated key would never reach ingest.
*/}}
{{- define "fotogal.ingestVolumes" -}}
{{- $a := .Values.ingest.auth }}
{{- if eq $a.mode "api_key" }}
- name: api-keys
  secret:
    secretName: {{ $a.apiKeys.existingSecret }}
    items:
      - key: {{ $a.apiKeys.key }}
        path: {{ $a.apiKeys.key }}
    # Owned by root, readable by the pods' group (fsGroup) only.
    defaultMode: 0440
{{- else if and (eq $a.mode "oidc") $a.oidc.jwksConfigMap }}
- name: oidc-jwks
  configMap:
    name: {{ $a.oidc.jwksConfigMap }}
    items:
      - key: {{ $a.oidc.jwksKey }}
        path: {{ $a.oidc.jwksKey }}
{{- end }}
{{- end }}

{{- define "fotogal.ingestVolumeMounts" -}}
{{- $a := .Values.ingest.auth }}
{{- if eq $a.mode "api_key" }}
- name: api-keys
  mountPath: /etc/fotogal/api-keys
  readOnly: true
{{- else if and (eq $a.mode "oidc") $a.oidc.jwksConfigMap }}
- name: oidc-jwks
  mountPath: /etc/fotogal/oidc
  readOnly: true
{{- end }}
{{- end }}
