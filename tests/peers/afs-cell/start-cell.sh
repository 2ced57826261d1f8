#!/usr/bin/env bash
# Starts a throw-away OpenAFS test cell on loopback, for interop tests (see
# /work/shared/docs/openafs-test-cell.md for why it looks like this).
#
#   start-cell.sh STATE_DIR [--db-only | --full]   (default --full)
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

root_afs_id=
if [ "$mode" != --db-only ]; then
  for b in "$libexec/fileserver" "$libexec/volserver" /usr/bin/vos; do
    [ -x "$b" ] || fail "$b missing (scripts/install-peers.sh installs it)"
  done
  # The namei fileserver attaches /vicepX directories in / only (AlwaysAttach: not a mount point), and
  # reads ThisCell/CellServDB from /etc/openafs/server whatever -config says (InitPR); the fileserver
  # creates sysid and the FSSYNC socket in /var/lib/openafs/local.
  if [ -e /vicepa ] && [ ! -L /vicepa ]; then fail "/vicepa exists and is not a symlink: not touching it"; fi
  for f in /vicepa /etc/openafs/server/ThisCell /etc/openafs/server/CellServDB /etc/openafs/CellServDB \
           /var/lib/openafs/local/sysid /var/lib/openafs/local/sysid.old /var/lib/openafs/local/fssync.sock; do
    backup "$f"
  done
  # libafscp clients (afsio) find cells in the client CellServDB only (AFSCONF is not enough): put the test cell first.
  { cat "$state/etc/CellServDB"; cat /etc/openafs/CellServDB 2>/dev/null || true; } > "$state/client-CellServDB"
  cp "$state/client-CellServDB" /etc/openafs/CellServDB
  mkdir -p "$state/vicepa"
  touch "$state/vicepa/AlwaysAttach"
  ln -sfn "$state/vicepa" /vicepa
  cp "$state/etc/ThisCell" "$state/etc/CellServDB" /etc/openafs/server/
  # vos refuses file servers in 127.0.0.0/16, hence 127.1.0.1 (still loopback).
  echo "f $fs_addr" > /var/lib/openafs/local/NetInfo
  start fileserver "$libexec/fileserver" -rxbind -config "$state/etc" -logfile "$state/logs/FileLog"
  start volserver "$libexec/volserver" -rxbind -config "$state/etc" -logfile "$state/logs/VolserLog"
  wait_rx "$fs_addr" 7000 fileserver
  wait_rx "$fs_addr" 7005 volserver
  vos_() { timeout 60 vos "$@" -noauth -cell "$cell" -config "$state/etc"; }
  # The fileserver registers its addresses with the VLDB (VL_RegisterAddrs) at start-up.
  for _ in $(seq 1 150); do
    vos_ listaddrs -noresolve 2>/dev/null | grep -q "^$fs_addr\$" && break
    sleep 0.2
  done
  vos_ listaddrs -noresolve | grep -q "^$fs_addr\$" || fail "the fileserver did not register $fs_addr with the VLDB"
  vos_ create "$fs_addr" a root.afs -maxquota 0 >"$state/logs/vos-create.out" 2>&1 || fail "vos create root.afs failed: $(cat "$state/logs/vos-create.out")"
  root_afs_id=$(vos_ examine root.afs 2>/dev/null | awk '/RWrite:/ { print $2; exit }')
  [ -n "$root_afs_id" ] || fail "root.afs has no RW id"
  # Anonymous (rxnull) callers may write: vos create gives the root directory only
  # "system:administrators rlidwka". Without a cache manager there is no 'fs setacl', so the ACL
  # of vnode 1 is edited in a dump and restored: one more positive entry, system:anyuser (-101) with
  # rlidwk (0x3f). The ACL is network-order: size, version 1, total, positive, negative, entries.
  vos_ dump root.afs -file "$state/root.afs.dump" >/dev/null 2>&1 || fail "vos dump failed"
  perl -0777 -i -pe '
    my $old = pack("N5", 28, 1, 1, 1, 0) . pack("N", 0xffffff34) . pack("N", 0x7f);
    my $new = pack("N5", 36, 1, 2, 2, 0) . pack("N", 0xffffff34) . pack("N", 0x7f) . pack("N", 0xffffff9b) . pack("N", 0x3f);
    my $n = s/\Q$old\E\0{8}/$new/;
    die "ACL block of the root directory not found in the dump\n" unless $n == 1;
  ' "$state/root.afs.dump" || fail "could not edit the dump's ACL"
  vos_ restore "$fs_addr" a root.afs -file "$state/root.afs.dump" -overwrite full >"$state/logs/vos-restore.out" 2>&1 \
    || fail "vos restore failed: $(cat "$state/logs/vos-restore.out")"
fi

cat > "$state/cell.info" <<INFO
cell=$cell
config=$state/etc
db_addr=$db_addr
vl_port=7003
pt_port=7002
fs_addr=$([ "$mode" = --db-only ] || echo "$fs_addr")
root_afs_id=$root_afs_id
INFO
trap - ERR
echo "cell ready: $cell, vlserver $db_addr:7003, ptserver $db_addr:7002$([ "$mode" = --db-only ] || echo ", fileserver $fs_addr:7000, volserver $fs_addr:7005, root.afs $root_afs_id") (state $state)"
