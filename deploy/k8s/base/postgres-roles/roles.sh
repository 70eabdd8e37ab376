#!/bin/sh
# Gives each app its own PostgreSQL role and database, as the superuser (PGUSER,
# PGPASSWORD, PGHOST from the Job). Safe to run again: role.sql creates what is missing
# and resets each password to the Secret's, so a rotated password takes effect.
set -eu
: "${TRACKER_DB_PASSWORD:?the Secret orderly-secrets needs tracker-db-password}"
: "${MERCHANT_DB_PASSWORD:?the Secret orderly-secrets needs merchant-db-password}"
here=$(dirname "$0")
until pg_isready --quiet --dbname postgres; do sleep 2; done
for role in tracker merchant; do
  # The password's variable is named, not passed: it never appears in a command line.
  psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 --dbname postgres \
    --set name="orderly_$role" --set password_from="$(echo "$role" | tr a-z A-Z)_DB_PASSWORD" \
    --file "$here/role.sql"
done
echo "roles orderly_tracker and orderly_merchant are ready"
