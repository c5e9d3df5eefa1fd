#!/bin/sh
# Creates what the compose stack reads, never overwriting a file (delete one to have it made again):
#   deploy/secrets/*   the generated secrets, one per file, each mounted as a compose secret (docs/deploy.md);
#   deploy/*.env       settings from their *.env.example, no secrets except the UI's codec endpoint (temporal-ui.env);
#   deploy/accounts.json  the simulator's demo account, from accounts.example.json.
set -eu
cd "$(dirname "$0")"

random_base64() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
random_token() { random_base64 "$1" | tr '+/' '-_' | tr -d '='; }

# Compose mounts secret files as they are on this machine (owner and mode kept), and the containers read them as
# uid 1000 (node, temporal): mode 600 when that is who runs this, else 644 inside a directory only its owner enters.
if [ "$(id -u)" = 1000 ]; then secret_mode=600; else secret_mode=644; fi
umask 077
mkdir -p secrets
chmod 700 secrets

# Where an earlier init-env.sh kept a secret: the database and the stored payloads need the same one.
earlier() { [ -f "$1" ] && sed -n "s/^$2=//p" "$1" | head -n 1; }

# secret NAME VALUE: deploy/secrets/NAME holding VALUE (no trailing newline), unless it exists.
secret() {
  if [ -e "secrets/$1" ]; then
    echo "kept    deploy/secrets/$1"
    return
  fi
  printf '%s' "$2" > "secrets/$1"
  chmod "$secret_mode" "secrets/$1"
  echo "wrote   deploy/secrets/$1"
}

# secret_once NAME VALUE [ENV_FILE VARIABLE]: as secret, taking VARIABLE's value from ENV_FILE when it has one.
secret_once() {
  value=$( (earlier "${3:-}" "${4:-}") 2>/dev/null || true)
  [ -e "secrets/$1" ] || [ -z "$value" ] || echo "from    deploy/$3 ($4)"
  secret "$1" "${value:-$2}"
}

secret_once codec-keys.json "{\"k1\":\"$(random_base64 32)\"}" codec.env TRUNK_CODEC_KEYS
secret_once codec-server-token "$(random_token 32)" codec-server.env TRUNK_CODEC_SERVER_TOKEN
secret_once signup-events-secret "$(random_token 32)" events.env SIGNUP_EVENTS_SECRET
secret_once postgres-password "$(random_token 24)" postgres.env POSTGRES_PASSWORD
secret_once simulator-admin-token "$(random_token 32)"

# The secrets have left the env files: a process given both NAME and NAME_FILE refuses to start.
for pair in codec.env:TRUNK_CODEC_KEYS events.env:SIGNUP_EVENTS_SECRET postgres.env:POSTGRES_PASSWORD \
            postgres.env:POSTGRES_PWD postgres.env:SQL_PASSWORD; do
  file=${pair%%:*}
  variable=${pair#*:}
  if [ -f "$file" ] && grep -q "^$variable=" "$file"; then
    grep -v "^$variable=" "$file" > "$file.tmp" || true
    cat "$file.tmp" > "$file"
    rm -f "$file.tmp"
    echo "removed $variable from deploy/$file (now in deploy/secrets/)"
  fi
done
[ ! -e codec-server.env ] || echo "note    deploy/codec-server.env is no longer read (its token is in deploy/secrets/codec-server-token): delete it"
# The SDK's metrics moved to OPS_PORT's /metrics: a worker given SDK_METRICS_ADDRESS refuses to start.
if [ -f worker.env ] && grep -q "^SDK_METRICS_ADDRESS=" worker.env; then
  grep -v "^SDK_METRICS_ADDRESS=" worker.env > worker.env.tmp || true
  cat worker.env.tmp > worker.env
  rm -f worker.env.tmp
  echo "removed SDK_METRICS_ADDRESS from deploy/worker.env (the SDK's metrics are on OPS_PORT's /metrics now)"
fi

CODEC_SERVER_TOKEN=$(cat secrets/codec-server-token)
for example in *.env.example; do
  target=${example%.example}
  if [ -e "$target" ]; then
    echo "kept    deploy/$target"
    continue
  fi
  sed -e "s|@@CODEC_SERVER_TOKEN@@|$CODEC_SERVER_TOKEN|g" "$example" > "$target"
  echo "wrote   deploy/$target"
done

if [ -e accounts.json ]; then
  echo "kept    deploy/accounts.json"
else
  # Mounted as a compose secret like the files above, so the same mode.
  cp accounts.example.json accounts.json
  chmod "$secret_mode" accounts.json
  echo "wrote   deploy/accounts.json (the simulator's demo account: replace it with your Exotel accounts)"
fi

# The UI's codec endpoint carries the codec server's token: a new token needs a new temporal-ui.env.
if ! grep -q "/$CODEC_SERVER_TOKEN\$" temporal-ui.env; then
  echo "deploy/temporal-ui.env has another codec server token than deploy/secrets/codec-server-token: delete it and run this again" >&2
  exit 1
fi
