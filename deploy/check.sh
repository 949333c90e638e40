#!/usr/bin/env bash
# Checks deploy/: the Helm chart lints and renders; deploy/kubernetes/sctrace.yaml is the chart
# rendered with its defaults (--write regenerates it); every rendering (defaults and the value
# variants below) and every manifest validates against the Kubernetes schemas; a combination the
# chart must refuse is refused. Installs its tools (deploy/tools) on first use.
set -euo pipefail
cd "$(dirname "$0")"
tools=tools
if [ ! -d "$tools/node_modules" ] || [ "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]; then
  echo "[deploy] installing the deploy tools (npm ci in deploy/tools)" >&2
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
fi
helm="$("$tools/helm.sh")"
chart=helm/sctrace
render() { "$helm" template sctrace "$chart" --namespace sctrace "$@"; }
header='# Rendered from deploy/helm/sctrace with its default values (deploy/check.sh --write); do not edit.
# Needs the namespace and the TLS Secret first (deploy/README.md).'

"$helm" lint --strict "$chart" --namespace sctrace >/dev/null
rendered="$(printf '%s\n' "$header"; render)"
if [ "${1:-}" = "--write" ]; then
  printf '%s\n' "$rendered" > kubernetes/sctrace.yaml
  echo "[deploy] wrote kubernetes/sctrace.yaml"
elif ! diff -u kubernetes/sctrace.yaml <(printf '%s\n' "$rendered") >&2; then
  echo "[deploy] kubernetes/sctrace.yaml differs from the chart's rendering: run deploy/check.sh --write" >&2
  exit 1
fi

variants=(
  ""
  "--set auth.secretName=sctrace-auth"
  "--set auth.secretName=sctrace-auth --set tls.clientCertificates=false --set grpc.hostSocketDir="
  "--set metrics.annotations=false --set priorityClassName= --set serviceAccount.create=false --set-json extraArgs=[\"--max-traces\",\"64\"]"
  "--set-json config={\"max-traces\":32,\"retention-mb\":32,\"idle-timeout\":300}"
)
for v in "${variants[@]}"; do
  # shellcheck disable=SC2086
  render $v | node "$tools/validate.mjs" - | sed "s/^-:/[${v:-defaults}]/"
done
node "$tools/validate.mjs" kubernetes/*.yaml

if render --set tls.clientCertificates=false >/dev/null 2>&1; then
  echo "[deploy] the chart rendered TLS with neither client certificates nor identities: it must refuse" >&2
  exit 1
fi
echo "[deploy] chart lints, renders, and every manifest is valid"
