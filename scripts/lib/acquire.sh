# Sourced by the scripts that find or fetch a tool (temporal-cli.sh, livekit-server.sh, redis-server.sh). Each
# prints the tool's absolute path on stdout and nothing else; progress goes to stderr. Set TOOL (the name in
# messages) before sourcing.

log() { printf '%s: %s\n' "$TOOL" "$*" >&2; }
# Why a cheap step did not apply; printed only once we fall through to a slow acquisition (quiet on reuse).
NOTES=()
note() { NOTES+=("$*"); }
print_notes() { local n; for n in "${NOTES[@]}"; do log "$n"; done; }
die() { log "error: $*"; exit 1; }
works() { "$1" --version >/dev/null 2>&1; }
found() { log "using $1 ($("$1" --version 2>/dev/null | head -n1))"; printf '%s\n' "$1"; exit 0; }
abspath() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$1")"); }
# Last lines of a tool's output, indented, for "why did this step fail" messages.
tail_of() { tail -n "${2:-5}" "$1" | sed 's/^/    /' >&2; }

# The binary the variable named by $1 points at: an explicit choice, so an unusable value is an error, never
# silently skipped. Returns when the variable is unset.
use_override() {
  local var="$1" value="${!1:-}" p
  if [[ -z "$value" ]]; then note "$var not set"; return 0; fi
  [[ -f "$value" && -x "$value" ]] || die "$var=$value is not an executable file (unset it to let this script find or fetch one)"
  p="$(abspath "$value")"
  works "$p" || die "$var=$p does not run: '$p --version' failed"
  found "$p"
}

# The first working $1 on PATH or among the further paths given. Returns when there is none.
use_installed() {
  local name="$1" c
  shift
  for c in "$(command -v "$name" 2>/dev/null || true)" "$@"; do
    if [[ -n "$c" && -x "$c" ]] && works "$c"; then found "$(abspath "$c")"; fi
  done
  note "no working $name on PATH${*:+ or at $*}"
}

# The first of the given paths (earlier acquisitions under .tools/) that works. Returns when none does.
use_cached() {
  local p
  for p in "$@"; do
    if [[ -x "$p" ]] && works "$p"; then found "$p"; fi
  done
}

# Puts a freshly acquired binary ($1) in its place ($2) and uses it, if it works; returns when it does not.
# A rename, so concurrent runs never see a half-written binary.
keep_if_works() {
  works "$1" || return 0
  mkdir -p "$(dirname "$2")"
  mv -f "$1" "$2"
  found "$2"
}
