#!/usr/bin/env bash
# Builds rxt_peer (tests/peers/rx): an OpenAFS Rx client/server for rxt.xg,
# made with OpenAFS's own rxgen and libafsrpc.  Usage: build.sh OUTDIR
# Needs rxgen, gcc and libopenafs-dev (scripts/install-peers.sh).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: build.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rxt-peer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$here/rxt.xg" "$tmp/"
(cd "$tmp" &&
  rxgen -A -x -h -o rxt.h rxt.xg &&
  rxgen -A -x -c -o rxt.xdr.c rxt.xg &&
  rxgen -A -x -C -o rxt.cs.c rxt.xg &&
  rxgen -A -x -S -o rxt.ss.c rxt.xg)
# -D_REENTRANT -DAFS_PTHREAD_ENV: the pthread flavour libafsrpc is built with;
# ../afs/include has stand-ins for OpenAFS's internal afsconfig.h and roken.h.
${CC:-gcc} ${CFLAGS:--O2 -g} -Wall -Wno-unused-variable -Wno-unused-function \
  -D_REENTRANT -DAFS_PTHREAD_ENV -I"$here/../afs/include" -I"$tmp" \
  -o "$tmp/rxt_peer" "$here/rxt_peer.c" "$tmp/rxt.ss.c" "$tmp/rxt.cs.c" "$tmp/rxt.xdr.c" \
  -lafsrpc -lpthread
install -m 755 "$tmp/rxt_peer" "$out/rxt_peer"
