# Sourced by the scripts that find or fetch a tool (temporal-cli.sh, livekit-server.sh, redis-server.sh, sipp.sh).
# Each prints the tool's absolute path on stdout and nothing else; progress goes to stderr. Set TOOL (the name in
# messages) before sourcing, and VERSION_FLAG when the tool's version flag is not --version (sipp's is -v).
VERSION_FLAG="${VERSION_FLAG:---version}"

log() { printf '%s: %s\n' "$TOOL" "$*" >&2; }
# Why a cheap step did not apply; printed only once we fall through to a slow acquisition (quiet on reuse).
NOTES=()
note() { NOTES+=("$*"); }
print_notes() { local n; for n in "${NOTES[@]}"; do log "$n"; done; }
die() { log "error: $*"; exit 1; }
# A tool whose version flag exits non-zero (sipp's -v exits 99) redefines works after sourcing this file.
works() { "$1" "$VERSION_FLAG" >/dev/null 2>&1; }
# The first non-blank line of the version output names what is used.
found() { log "using $1 ($("$1" "$VERSION_FLAG" 2>/dev/null | sed -n '/[^[:space:]]/{s/^[[:space:]]*//;p;q;}'))"; printf '%s\n' "$1"; exit 0; }
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
  works "$p" || die "$var=$p does not run: '$p $VERSION_FLAG' failed"
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

# Installs Debian package $1 with apt-get (update + install, no recommended packages), as root; otherwise, or when
# apt-get fails, dies saying what to do instead. $2 is the override variable the messages offer.
install_with_apt() {
  local package="$1" var="$2" apt_log
  command -v apt-get >/dev/null 2>&1 \
    || die "apt-get not found: install $package with this system's package manager, or set $var"
  [[ "$(id -u)" -eq 0 ]] \
    || die "not root, so not installing it: run 'sudo apt-get install -y --no-install-recommends $package' once, or set $var"
  apt_log="$(mktemp)"
  log "installing $package with apt-get (update + install)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get update >"$apt_log" 2>&1; then
    log "apt-get update failed:"
    tail_of "$apt_log"
    rm -f "$apt_log"
    die "could not refresh the apt package lists; install $package yourself or set $var"
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package" >"$apt_log" 2>&1; then
    log "apt-get install $package failed:"
    tail_of "$apt_log"
    rm -f "$apt_log"
    die "could not install $package; install it yourself or set $var"
  fi
  rm -f "$apt_log"
}
