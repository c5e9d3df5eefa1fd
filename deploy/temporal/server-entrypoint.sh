#!/bin/sh
# The temporal service's entrypoint: temporalio/server reads the database password only from POSTGRES_PWD in its
# environment, so this exports it from the compose secret POSTGRES_PASSWORD_FILE names, then runs the image's own
# start script. Not verified against the image here (no Docker engine): /etc/temporal/entrypoint.sh is the CMD of
# temporalio/temporal's docker/targets/server.Dockerfile on the 1.32 line; docs/deploy.md says how to check it.
set -eu
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  [ -z "${POSTGRES_PWD:-}" ] || { echo "set POSTGRES_PWD or POSTGRES_PASSWORD_FILE, not both" >&2; exit 1; }
  POSTGRES_PWD=$(cat "$POSTGRES_PASSWORD_FILE")
  export POSTGRES_PWD
  unset POSTGRES_PASSWORD_FILE
fi
exec /etc/temporal/entrypoint.sh "$@"
