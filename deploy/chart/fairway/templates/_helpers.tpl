{{/* Names and labels shared by every template of the chart. */}}

{{/* The release's full name, at most 63 characters (a DNS label). */}}
{{- define "fairway.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels that select the agent's pods; they never change for a release. */}}
{{- define "fairway.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels on every object of the chart. */}}
{{- define "fairway.labels" -}}
{{ include "fairway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: agent
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The agent's service account. */}}
{{- define "fairway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "fairway.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The ServiceAccount Helm releases run under (rbac.helmReleases). */}}
{{- define "fairway.helmServiceAccountName" -}}
{{- printf "%s-helm" (include "fairway.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Where the Git credentials and the webhook secret are mounted. */}}
{{- define "fairway.gitCredentialsDir" -}}/etc/fairway/git{{- end -}}
{{- define "fairway.webhookDir" -}}/etc/fairway/webhook{{- end -}}
{{/* Where the Helm releases' token and their kubeconfig are mounted. */}}
{{- define "fairway.helmTokenDir" -}}/var/run/fairway/helm-token{{- end -}}
{{- define "fairway.helmKubeconfigDir" -}}/etc/fairway/helm{{- end -}}
