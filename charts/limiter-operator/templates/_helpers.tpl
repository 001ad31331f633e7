{{/*
Chart name, or nameOverride; 63 characters at most (DNS label).
*/}}
{{- define "limiter-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every resource name: fullnameOverride, else the release name when it already contains
the chart name (avoids "limiter-operator-limiter-operator"), else "<release>-<chart>".
*/}}
{{- define "limiter-operator.fullname" -}}
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

{{/*
Labels of every resource.
*/}}
{{- define "limiter-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "limiter-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: limiter-operator
{{- end }}

{{/*
Labels selecting the operator pods; immutable in a Deployment, so nothing that changes on upgrade.
*/}}
{{- define "limiter-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "limiter-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
ServiceAccount the operator runs as.
*/}}
{{- define "limiter-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "limiter-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Namespaces watched, as a list: watchNamespaces, else the release namespace with rbac.scope
Namespace, else empty (all namespaces).
*/}}
{{- define "limiter-operator.watchNamespaces" -}}
{{- if .Values.watchNamespaces }}
{{- toYaml .Values.watchNamespaces }}
{{- else if eq .Values.rbac.scope "Namespace" }}
{{- toYaml (list .Release.Namespace) }}
{{- else }}
{{- toYaml list }}
{{- end }}
{{- end }}

{{/*
The operator's permissions on watched namespaces, shared by the ClusterRole (scope Cluster) and
each Role (scope Namespace), each one needed (RbacApiServerIT takes each away in turn on a real API
server and names the step that then fails). It watches both kinds, reads them (an EntityHierarchy
also reads the RateLimiterTable it references) and patches them to add and remove its finalizer.
Status: patched by both reconcilers; a RateLimiterTable's is also updated, locked on the version
read, to record a billing-mode switch before it is made. ratelimitertables/finalizers: the
ConfigMap it publishes has an owner reference with blockOwnerDeletion, which needs it where the
OwnerReferencesPermissionEnforcement admission plugin is on (e.g. OpenShift). ConfigMaps: the
`<name>-limiter` ones it publishes for applications (no watch, no delete: garbage collection does
it). Events: core v1, created, and patched when one repeats.
*/}}
{{- define "limiter-operator.rules" -}}
- apiGroups: [limiter.dev]
  resources: [ratelimitertables, entityhierarchies]
  verbs: [get, list, watch, patch]
- apiGroups: [limiter.dev]
  resources: [ratelimitertables/status]
  verbs: [patch, update]
- apiGroups: [limiter.dev]
  resources: [entityhierarchies/status]
  verbs: [patch]
- apiGroups: [limiter.dev]
  resources: [ratelimitertables/finalizers]
  verbs: [update]
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, create, update]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
{{- end }}

{{/*
The adoption grants as LIMITER_ADOPT reads them: namespace:tables, comma-separated.
*/}}
{{- define "limiter-operator.adoptionGrants" -}}
{{- $grants := list }}
{{- range .Values.tables.adopt }}
{{- $grants = append $grants (printf "%s:%s" .namespace .tables) }}
{{- end }}
{{- join "," $grants }}
{{- end }}
