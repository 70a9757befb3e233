{{/* After every sync, one wave before the provisioning Job. */}}
{{- define "objectStorage.hookAnnotations" -}}
argocd.argoproj.io/hook: PostSync
argocd.argoproj.io/sync-wave: "-1"
argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
{{- end -}}
