#!/bin/sh
# One-shot (temporalio/admin-tools): creates Temporal's two databases and brings their schemas to this server
# version. Safe to run on every start: existing databases are kept, and only missing schema versions are applied.
set -eu

# temporal-sql-tool reads the password from SQL_PASSWORD, never a flag; here it comes from the compose secret
# POSTGRES_PASSWORD_FILE names.
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  [ -z "${SQL_PASSWORD:-}" ] || { echo "set SQL_PASSWORD or POSTGRES_PASSWORD_FILE, not both" >&2; exit 1; }
  SQL_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
  export SQL_PASSWORD
fi

sql() {
  temporal-sql-tool --plugin "$DB" --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

attempts=0
until nc -z "$POSTGRES_SEEDS" "$DB_PORT"; do
  attempts=$((attempts + 1))
  [ "$attempts" -lt 60 ] || { echo "PostgreSQL at $POSTGRES_SEEDS:$DB_PORT does not answer" >&2; exit 1; }
  sleep 1
done

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) schema=/etc/temporal/schema/postgresql/v12/temporal/versioned ;;
    *) schema=/etc/temporal/schema/postgresql/v12/visibility/versioned ;;
  esac
  sql --db "$db" create
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$schema"
done
echo "Temporal schemas are up to date"
