{{- define "albatross.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "albatross.fullname" -}}
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

{{- define "albatross.selectorLabels" -}}
app.kubernetes.io/name: {{ include "albatross.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "albatross.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "albatross.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "albatross.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* The Secret the pods read: the user's existingSecret, or the one this chart makes. */}}
{{- define "albatross.secretName" -}}
{{- .Values.config.existingSecret | default (include "albatross.fullname" .) }}
{{- end }}

{{/* Secret data from values; fails the render when a required URL is missing or wrong. */}}
{{- define "albatross.secretData" -}}
{{- $db := required "config.databaseUrl is required (or set config.existingSecret)" .Values.config.databaseUrl }}
{{- if not (hasPrefix "postgresql+asyncpg://" $db) }}
{{- fail "config.databaseUrl must be postgresql+asyncpg://...: serve and worker processes share one PostgreSQL" }}
{{- end -}}
database-url: {{ $db | b64enc | quote }}
cache-url: {{ required "config.cacheUrl is required (or set config.existingSecret)" .Values.config.cacheUrl | b64enc | quote }}
broker-url: {{ .Values.config.brokerUrl | default "memory://" | b64enc | quote }}
{{- end }}

{{/* Container env. Call with (dict "root" $ "secret" "<secret name>"). */}}
{{- define "albatross.env" -}}
- name: ALBATROSS_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: database-url
- name: ALBATROSS_CACHE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: cache-url
- name: ALBATROSS_BROKER_URL
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: broker-url
      optional: true
- name: ALBATROSS_LOG_LEVEL
  value: {{ .root.Values.config.logLevel | quote }}
{{- with .root.Values.config.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Pod-level settings shared by serve, worker and the migrate Job.
enableServiceLinks is off on purpose: Kubernetes would otherwise inject variables such as
ALBATROSS_PORT=tcp://... and ALBATROSS_SERVICE_HOST for a Service named "albatross", and
Albatross refuses unknown or malformed ALBATROSS_* variables at start.
*/}}
{{- define "albatross.podSpec" -}}
enableServiceLinks: false
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  seccompProfile:
    type: RuntimeDefault
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: tmp
    emptyDir: {}
{{- end }}

{{/* Container-level settings shared by every Albatross container. */}}
{{- define "albatross.container" -}}
image: {{ include "albatross.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: ["ALL"]
volumeMounts:
  - name: tmp
    mountPath: /tmp
{{- end }}
