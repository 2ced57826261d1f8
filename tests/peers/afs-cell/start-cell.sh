#!/usr/bin/env bash
# Starts a throw-away OpenAFS test cell on loopback, for interop tests (see
# /work/shared/docs/openafs-test-cell.md for why it looks like this).
#
#   start-cell.sh STATE_DIR [--db-only]
#
# STATE_DIR is wiped and holds everything: config (etc/ThisCell, etc/CellServDB), databases, logs,
# pid files, and backups of the system files the servers insist on (listed in sysfiles.manifest,
# restored by stop-cell.sh). Servers run with -noauth / the NoAuth file, each in its own session:
#
#   vlserver   127.0.0.1:7003  service 52     ptserver   127.0.0.1:7002  service 73
#   (not with --db-only:)  fileserver 127.1.0.1:7000  service 1,  volserver 127.1.0.1:7005
#
# Prints "cell ready" and writes STATE_DIR/cell.info (key=value lines). On failure it stops what it
# started (stop-cell.sh) and exits non-zero. Only one cell can run at a time (fixed ports, system
# files): callers serialise (the C# fixture holds a lock file).
set -euo pipefail

state=${1:?usage: start-cell.sh STATE_DIR [--db-only]}
mode=${2:-full}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
libexec=/usr/lib/openafs
cell=test.cell
db_addr=127.0.0.1
fs_addr=127.1.0.1

[ "$(id -u)" = 0 ] || { echo "start-cell.sh: must run as root (the servers need /var/lib/openafs/local)" >&2; exit 1; }
for b in "$libexec/vlserver" "$libexec/ptserver" /usr/bin/rxdebug /usr/bin/udebug; do
  [ -x "$b" ] || { echo "start-cell.sh: $b missing (scripts/install-peers.sh installs it)" >&2; exit 1; }
done
if [ -e "$state/pids" ] && ls "$state"/pids/*.pid >/dev/null 2>&1; then bash "$here/stop-cell.sh" "$state" || true; fi
rm -rf "$state"
mkdir -p "$state"/{etc,db,logs,pids,sysbackup}
state=$(cd "$state" && pwd)

fail() {
  echo "start-cell.sh: $*" >&2
  for log in "$state"/logs/*; do [ -f "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }; done
  bash "$here/stop-cell.sh" "$state" >&2 || true
  exit 1
}
trap 'fail "command failed at line $LINENO"' ERR

echo "$cell" > "$state/etc/ThisCell"
printf '>%s #RxGen test cell\n%s #db\n' "$cell" "$db_addr" > "$state/etc/CellServDB"

# System files: back up (or mark for removal) before touching.
: > "$state/sysfiles.manifest"
backup() {
  local f=$1 saved
  saved="$state/sysbackup/$(echo "$f" | tr / _)"
  if [ -e "$f" ] || [ -L "$f" ]; then cp -a "$f" "$saved"; echo "restore $f $saved" >> "$state/sysfiles.manifest"
  else echo "remove $f" >> "$state/sysfiles.manifest"; fi
}
mkdir -p /var/lib/openafs/local /etc/openafs/server
for f in /var/lib/openafs/local/NetInfo /var/lib/openafs/local/NoAuth; do backup "$f"; done

start() { # name command...
  local name=$1; shift
  setsid "$@" </dev/null >"$state/logs/$name.out" 2>&1 &
  echo $! > "$state/pids/$name.pid"
}
wait_rx() { # addr port name
  for _ in $(seq 1 150); do
    if timeout 2 rxdebug "$1" "$2" -version 2>/dev/null | grep -q "AFS version"; then return 0; fi
    kill -0 "$(cat "$state/pids/$3.pid")" 2>/dev/null || fail "$3 exited"
    sleep 0.2
  done
  fail "$3 does not answer rxdebug on $1:$2"
}
wait_sync() { # port name
  for _ in $(seq 1 300); do
    # Sync site, and recovery finished (state 1f): before that clients get "no quorum elected".
    out=$(timeout 2 udebug "$db_addr" "$1" 2>/dev/null || true)
    if grep -q "I am sync site" <<<"$out" && grep -q "Recovery state 1f" <<<"$out"; then return 0; fi
    sleep 0.2
  done
  fail "$2 did not become the ubik sync site"
}

# -rxbind binds the NetInfo address; a loopback address is taken only with the "f" (fake) prefix.
echo "f $db_addr" > /var/lib/openafs/local/NetInfo
touch /var/lib/openafs/local/NoAuth
start vlserver "$libexec/vlserver" -noauth -rxbind -config "$state/etc" -database "$state/db/vldb" -logfile "$state/logs/VLLog"
start ptserver "$libexec/ptserver" -rxbind -config "$state/etc" -database "$state/db/prdb" -logfile "$state/logs/PtLog"
wait_rx "$db_addr" 7003 vlserver
wait_rx "$db_addr" 7002 ptserver
wait_sync 7003 vlserver
wait_sync 7002 ptserver

if [ "$mode" != --db-only ]; then
  fail "the file server part of the cell is not written yet (use --db-only)"
fi

cat > "$state/cell.info" <<INFO
cell=$cell
config=$state/etc
db_addr=$db_addr
vl_port=7003
pt_port=7002
INFO
trap - ERR
echo "cell ready: $cell, vlserver $db_addr:7003, ptserver $db_addr:7002 (state $state)"
