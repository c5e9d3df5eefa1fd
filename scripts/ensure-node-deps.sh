# Sourced by the entry scripts: installs the npm packages when they are missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm packages (npm ci)…" >&2
  npm ci --no-audit --no-fund >&2
fi
