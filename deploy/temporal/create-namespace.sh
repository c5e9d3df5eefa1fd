#!/bin/sh
# One-shot (temporalio/admin-tools): creates the namespace and registers the project's search attributes
# (domain/search-attributes.ts; test/deploy/compose.test.ts keeps this list in step with it). Idempotent.
set -eu

NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-168h}"
SEARCH_ATTRIBUTES="TrunkCustomerId=Keyword TrunkExotelAccount=Keyword TrunkDirection=Keyword TrunkProvider=Keyword TrunkSetupState=Keyword TrunkFailedStep=Keyword TrunkDriftState=Keyword"

attempts=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  attempts=$((attempts + 1))
  [ "$attempts" -lt 60 ] || { echo "Temporal at $TEMPORAL_ADDRESS is not healthy after 2 minutes" >&2; exit 1; }
  echo "waiting for Temporal at $TEMPORAL_ADDRESS"
  sleep 2
done

if ! temporal operator namespace describe --namespace "$NAMESPACE" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" --address "$TEMPORAL_ADDRESS"
fi

existing=$(temporal operator search-attribute list --namespace "$NAMESPACE" --address "$TEMPORAL_ADDRESS")
for pair in $SEARCH_ATTRIBUTES; do
  name=${pair%%=*}
  type=${pair#*=}
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type" --address "$TEMPORAL_ADDRESS"
  fi
done
echo "namespace $NAMESPACE is ready"
