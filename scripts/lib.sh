# Shared helpers of stagDB's scripts (sourced, not run).
# Errors inside $(...) stop the script too, as set -e does elsewhere.
shopt -s inherit_errexit
say()  { printf '[%s] %s\n' "${0##*/}" "$*" >&2; }
warn() { printf '[%s] warning: %s\n' "${0##*/}" "$*" >&2; }
die()  { printf '[%s] error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

require_root() {
  [ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons); try: sudo $0 $*"
}

# apt_install PKG...: installs the packages that are missing; 'apt-get update' runs at most once per script.
_apt_updated=
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$_apt_updated" ]; then
    say "apt-get update (to install: ${missing[*]})"
    apt-get update -qq || die "apt-get update failed"
    _apt_updated=1
  fi
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "could not install ${missing[*]} (see apt-get output above)"
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$what did not come up within ${seconds}s"
    sleep 0.2
  done
}
