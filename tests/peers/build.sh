#!/usr/bin/env bash
# Builds RxGen's C reference peers for byte-exact XDR tests:
#
#   rich_onc_peer   rpcgen + libtirpc           (tests/peers/onc/rich.x)
#   rich_afs_peer   OpenAFS rxgen + libafsrpc   (tests/peers/afs/rich.xg)
#   nested_bench    rpcgen + libtirpc benchmark (tests/peers/bench/nested.x)
#   blobs_bench     rpcgen + libtirpc benchmark (tests/peers/bench/blobs.x)
#   labels_bench    rpcgen + libtirpc benchmark (tests/peers/bench/labels.x)
#   rxt_peer        OpenAFS rxgen + libafsrpc Rx client/server (tests/peers/rx/rxt.xg;
#                   the Rx interop tests also build it themselves, via rx/build.sh)
#   calc_server     rpcgen -M + libtirpc server (tests/peers/onc-rpc/calc.x)
#   calc_client     rpcgen -M + libtirpc client (tests/peers/onc-rpc/calc.x)
#   rpcbind_loopback  runs /usr/sbin/rpcbind on loopback only (socket activation)
#   kvstore_client  rpcgen -N -M + libtirpc client (examples/onc/kvstore.x; oncdemo interop)
#
# Usage: tests/peers/build.sh [outdir]     (default: tests/peers/build)
#
# rpcgen and rxgen run in a fresh temporary directory each time (rpcgen
# refuses to overwrite its outputs), so the script can be re-run freely;
# the binaries in outdir are replaced.  Needs the packages that
# scripts/install-peers.sh installs.  After building, each peer is given a
# quick self-check (encode, decode, compare); any failure stops the script
# with a non-zero exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-"$here/build"}
mkdir -p "$out"
out=$(cd "$out" && pwd)

die() { echo "build.sh: $*" >&2; exit 1; }

for tool in gcc rpcgen rxgen pkg-config; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "$tool not found (run scripts/install-peers.sh)"
done
pkg-config --exists libtirpc || die "libtirpc-dev not installed (run scripts/install-peers.sh)"
[ -e /usr/include/rx/xdr.h ] || die "OpenAFS headers missing (libopenafs-dev; run scripts/install-peers.sh)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rxgen-peers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

CC=${CC:-gcc}
CFLAGS=${CFLAGS:-"-O2 -g"}
# Generated code has unused locals (rpcgen's `buf`, rxgen's prototypes).
WARN="-Wall -Wno-unused-variable -Wno-unused-function"
TIRPC_CFLAGS=$(pkg-config --cflags libtirpc)
TIRPC_LIBS=$(pkg-config --libs libtirpc)

run() { echo "+ $*" >&2; "$@"; }

# --- ONC: rich.x with rpcgen -------------------------------------------------
mkdir "$tmp/onc"
cp "$here/onc/rich.x" "$tmp/onc/"
(cd "$tmp/onc" &&
  run rpcgen -h -o rich.h rich.x &&
  run rpcgen -c -o rich_xdr.c rich.x)
run $CC $CFLAGS $WARN $TIRPC_CFLAGS -I"$tmp/onc" -I"$here/common" \
  -o "$tmp/rich_onc_peer" "$here/onc/rich_peer.c" "$tmp/onc/rich_xdr.c" $TIRPC_LIBS

# --- AFS: rich.xg with OpenAFS rxgen -----------------------------------------
mkdir "$tmp/afs"
cp "$here/afs/rich.xg" "$tmp/afs/"
(cd "$tmp/afs" &&
  run rxgen -A -x -h -o rich.h rich.xg &&
  run rxgen -A -x -c -o rich.xdr.c rich.xg)
# -D_REENTRANT -DAFS_PTHREAD_ENV: the pthread flavour libafsrpc is built
# with; include/ holds stand-ins for OpenAFS's internal afsconfig.h/roken.h.
run $CC $CFLAGS $WARN -D_REENTRANT -DAFS_PTHREAD_ENV \
  -I"$here/afs/include" -I"$tmp/afs" -I"$here/common" \
  -o "$tmp/rich_afs_peer" "$here/afs/rich_peer.c" "$tmp/afs/rich.xdr.c" \
  -lafsrpc -lpthread

# --- Benchmarks: nested.x, blobs.x, labels.x with rpcgen ---------------------
# Each <shape>_bench.c includes bench/bench_main.h (the shared timing harness).
mkdir "$tmp/bench"
for shape in nested blobs labels; do
  cp "$here/bench/$shape.x" "$tmp/bench/"
  (cd "$tmp/bench" &&
    run rpcgen -h -o "$shape.h" "$shape.x" &&
    run rpcgen -c -o "${shape}_xdr.c" "$shape.x")
  run $CC $CFLAGS $WARN $TIRPC_CFLAGS -I"$tmp/bench" -I"$here/bench" -I"$here/common" \
    -o "$tmp/${shape}_bench" "$here/bench/${shape}_bench.c" "$tmp/bench/${shape}_xdr.c" $TIRPC_LIBS
done

# --- Rx: rxt.xg with OpenAFS rxgen (client and server stubs, libafsrpc) ------
run bash "$here/rx/build.sh" "$tmp"
# --- ONC RPC transports: calc.x with rpcgen -M (tests/peers/onc-rpc) -------
mkdir "$tmp/onc-rpc"
cp "$here/onc-rpc/calc.x" "$tmp/onc-rpc/"
(cd "$tmp/onc-rpc" &&
  run rpcgen -M -h -o calc.h calc.x &&
  run rpcgen -M -c -o calc_xdr.c calc.x &&
  run rpcgen -M -l -o calc_clnt.c calc.x &&
  run rpcgen -M -m -o calc_svc.c calc.x)
run $CC $CFLAGS $WARN $TIRPC_CFLAGS -I"$tmp/onc-rpc" -o "$tmp/calc_server" \
  "$here/onc-rpc/calc_server.c" "$tmp/onc-rpc/calc_svc.c" "$tmp/onc-rpc/calc_xdr.c" $TIRPC_LIBS
run $CC $CFLAGS $WARN $TIRPC_CFLAGS -I"$tmp/onc-rpc" -o "$tmp/calc_client" \
  "$here/onc-rpc/calc_client.c" "$tmp/onc-rpc/calc_clnt.c" "$tmp/onc-rpc/calc_xdr.c" $TIRPC_LIBS
run $CC $CFLAGS $WARN -o "$tmp/rpcbind_loopback" "$here/onc-rpc/rpcbind_loopback.c"
# --- oncdemo interop: examples/onc/kvstore.x with rpcgen -N -M (two-argument PUT) --
mkdir "$tmp/kvstore"
cp "$here/../../examples/onc/kvstore.x" "$tmp/kvstore/"
(cd "$tmp/kvstore" &&
  run rpcgen -N -M -h -o kvstore.h kvstore.x &&
  run rpcgen -N -M -c -o kvstore_xdr.c kvstore.x &&
  run rpcgen -N -M -l -o kvstore_clnt.c kvstore.x)
run $CC $CFLAGS $WARN $TIRPC_CFLAGS -I"$tmp/kvstore" -o "$tmp/kvstore_client" \
  "$here/onc-rpc/kvstore_client.c" "$tmp/kvstore/kvstore_clnt.c" "$tmp/kvstore/kvstore_xdr.c" $TIRPC_LIBS
"$tmp/kvstore_client" 2>/dev/null && die "kvstore_client without arguments succeeded"
"$tmp/calc_client" 2>/dev/null && die "calc_client without arguments succeeded"
"$tmp/calc_server" 2>/dev/null && die "calc_server without arguments succeeded"

# --- Self-check, then install ------------------------------------------------
for peer in rich_onc_peer rich_afs_peer; do
  n=$("$tmp/$peer" count)
  for i in $(seq 1 "$n"); do
    hex=$("$tmp/$peer" encode "$i")
    [ -n "$hex" ] || die "$peer encode $i printed nothing"
    back=$(printf '%s\n' "$hex" | "$tmp/$peer" decode) ||
      die "$peer could not decode its own sample $i"
    [ "$hex" = "$back" ] || die "$peer sample $i does not round-trip"
  done
  if printf '00\n' | "$tmp/$peer" decode >/dev/null 2>&1; then
    die "$peer accepted a 1-byte record"
  fi
done
# Benchmark peers: each mode works and reports the expected size; blobs and
# labels must still encode the value pinned in bench/expected.sha256 (the C#
# benchmark checks against it with --no-peer; nested is pinned in SAMPLES.md).
for spec in nested:772 blobs:6848 labels:1756; do
  shape=${spec%%:*} size=${spec#*:}
  "$tmp/${shape}_bench" hex | grep -Eq '^[0-9a-f]+$' || die "${shape}_bench hex failed"
  for mode in encode decode decode-nofree; do
    "$tmp/${shape}_bench" "$mode" 10 | grep -Eq "^ns_per_op=[0-9.]+ bytes=$size\$" ||
      die "${shape}_bench $mode failed"
  done
  if [ "$shape" != nested ]; then
    want=$(awk -v s="$shape" '$2 == s { print $1 }' "$here/bench/expected.sha256")
    got=$("$tmp/${shape}_bench" hex | tr -d '\n' | sha256sum | cut -d' ' -f1)
    [ "$want" = "$got" ] ||
      die "${shape}_bench encodes a value with SHA-256 $got, bench/expected.sha256 pins '${want}'"
  fi
done

for b in rich_onc_peer rich_afs_peer nested_bench blobs_bench labels_bench calc_server calc_client rpcbind_loopback kvstore_client rxt_peer; do
  install -m 755 "$tmp/$b" "$out/$b"
done
echo "build.sh: built rich_onc_peer rich_afs_peer nested_bench blobs_bench labels_bench calc_server calc_client rpcbind_loopback kvstore_client rxt_peer in $out"
