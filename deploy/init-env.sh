#!/bin/sh
# Creates deploy/*.env and deploy/accounts.json from their examples, filling in fresh secrets. Never overwrites a
# file: delete one to have it made again. Each secret lives in one file only, so files can be made one at a time.
set -eu
cd "$(dirname "$0")"

random_base64() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
random_token() { random_base64 "$1" | tr '+/' '-_' | tr -d '='; }

CODEC_KEY=$(random_base64 32)
CODEC_SERVER_TOKEN=$(random_token 32)
SIGNUP_EVENTS_SECRET=$(random_token 32)
POSTGRES_PASSWORD=$(random_token 24)

umask 077
for example in *.env.example; do
  target=${example%.example}
  if [ -e "$target" ]; then
    echo "kept    deploy/$target"
    continue
  fi
  sed -e "s|@@CODEC_KEY@@|$CODEC_KEY|g" \
      -e "s|@@CODEC_SERVER_TOKEN@@|$CODEC_SERVER_TOKEN|g" \
      -e "s|@@SIGNUP_EVENTS_SECRET@@|$SIGNUP_EVENTS_SECRET|g" \
      -e "s|@@POSTGRES_PASSWORD@@|$POSTGRES_PASSWORD|g" \
      "$example" > "$target"
  echo "wrote   deploy/$target"
done

if [ -e accounts.json ]; then
  echo "kept    deploy/accounts.json"
else
  # The worker runs as uid 1000 and reads this file through a bind mount: it must be readable to that user.
  umask 022
  cp accounts.example.json accounts.json
  echo "wrote   deploy/accounts.json (the simulator's demo account: replace it with your Exotel accounts)"
fi
