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

# start_test_server PURPOSE [--set KEY=VALUE...]: starts a stagDB server from the built jar for a script
# of the test kind (samples, benchmarks) on names of a test run (it-<pid>-<hex>-PURPOSE: its own ZFS
# root, data directory, container prefix and run label; loopback only), waits for it and sets url and
# key. An EXIT trap stops it and removes everything it made; the dead-run sweep of any later test run
# removes what a killed script left.
start_test_server() {
  local purpose=$1 jar pool run_id data port ports; shift
  pool=${STAGDB_TEST_POOL:-stagdb}
  run_id="it-$$-$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  _test_run=$run_id
  _test_root="$pool/$run_id-$purpose"
  data="/var/tmp/stagdb-it/$run_id-$purpose"
  _test_data=$data
  port=$((40000 + RANDOM % 2000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((40000 + RANDOM % 2000)); done   # in use: pick another
  ports=$((20000 + (RANDOM % 250) * 50))
  jar=$(ls stagdb-server/target/stagdb-server-*.jar 2>/dev/null | grep -v -e sources -e tests | head -n 1 || true)
  [ -n "$jar" ] || die "no stagdb-server jar; run './mvnw install' first"
  mkdir -p "$data"
  trap _stop_test_server EXIT
  say "starting a stagDB server on 127.0.0.1:$port (ZFS root $_test_root)"
  java -jar "$jar" serve --set api.host=127.0.0.1 --set api.port=$port --set api.publicHost=127.0.0.1 \
    --set dataDir="$data" --set zfs.root="$_test_root" --set docker.bindAddress=127.0.0.1 --set docker.pullImages=false \
    --set docker.containerPrefix="$run_id-$purpose-" --set docker.labels.io.stagdb.run="$run_id" \
    --set ports.first=$ports --set ports.last=$((ports + 49)) --set resources.default.memory=512m \
    --set images.postgresql.15=stagdb-test/postgres:15 --set images.mariadb.10.11=stagdb-test/mariadb:10.11 \
    "$@" > "$data/server.log" 2>&1 &
  _test_server=$!
  local _
  for _ in $(seq 1 600); do
    grep -q "^Admin API key" "$data/server.log" 2>/dev/null && break
    kill -0 "$_test_server" 2>/dev/null || { tail -n 30 "$data/server.log" >&2; die "the server exited"; }
    sleep 0.1
  done
  key=$(sed -n 's/^Admin API key (shown once, keep it): //p' "$data/server.log" | head -n 1)
  [ -n "$key" ] || die "the server printed no admin key"
  url="http://127.0.0.1:$port"
}

_stop_test_server() {
  local code=$? id ds
  [ -n "${_test_server:-}" ] && kill "$_test_server" 2>/dev/null && wait "$_test_server" 2>/dev/null || true
  for id in $(docker ps -aq --filter "label=io.stagdb.run=$_test_run"); do docker rm -f -v "$id" >/dev/null || true; done
  for id in $(docker network ls -q --filter "label=io.stagdb.run=$_test_run"); do docker network rm "$id" >/dev/null || true; done
  if zfs list "$_test_root" >/dev/null 2>&1; then
    for ds in $(zfs list -H -o name -r "$_test_root" | sort -r); do zfs unmount -f "$ds" 2>/dev/null || true; done
    zfs destroy -R -f "$_test_root" >/dev/null 2>&1 || { sleep 1; zfs destroy -R -f "$_test_root" >/dev/null 2>&1 \
      || warn "could not destroy $_test_root (the next test run sweeps it)"; }
  fi
  if [ $code -ne 0 ] && [ -f "$_test_data/server.log" ]; then warn "the server's log:"; tail -n 40 "$_test_data/server.log" >&2; fi
  rm -rf "$_test_data"
  return $code
}

# api METHOD PATH [BODY]: a call to the server start_test_server started; fails on an error answer.
api() {
  curl -sS --fail-with-body -X "$1" "$url$2" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    ${3:+-d "$3"} >/dev/null
}
