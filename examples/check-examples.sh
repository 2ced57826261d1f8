#!/usr/bin/env bash
# Checks the example IDL files against the reference compilers:
#   - every plain rxgen file in examples/afs/ with OpenAFS's rxgen
#     (-A -x, each of -h -c -C -S), run in a temp dir with -I examples/afs;
#   - yfsvl.xg (RxGen extension) the same way after removing its two
#     extension statements (`serviceid N;`, `shadowof PKG_;`), and it must
#     be rejected as it stands;
#   - examples/onc/*.x with rpcgen -N (-h -c -l -m).
# Needs scripts/install-peers.sh's packages.  Exits non-zero on failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
afs="$here/afs"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rxgen-examples.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0

rxgen_all() { # file.xg label
  local f=$1 b m o
  b=$(basename "$f" .xg)
  for m in h c C S; do
    case $m in h) o=$b.h ;; c) o=$b.xdr.c ;; C) o=$b.cs.c ;; S) o=$b.ss.c ;; esac
    # rxgen wants -Idir with no space.
    if ! (cd "$tmp" && rxgen -A -x -$m "-I$afs" -o "$o" "$f") >"$tmp/log" 2>&1; then
      echo "FAIL rxgen -$m $2"; cat "$tmp/log"; return 1
    fi
  done
  echo "ok   rxgen -A -x -h/-c/-C/-S $2"
}

for f in "$afs"/*.xg; do
  name=$(basename "$f")
  if [ "$name" = yfsvl.xg ]; then
    grep -Ev '^[[:space:]]*(serviceid|shadowof)[[:space:]]' "$f" > "$tmp/yfsvl-plain.xg"
    rxgen_all "$tmp/yfsvl-plain.xg" "yfsvl.xg (extension lines removed)" || fail=1
    if (cd "$tmp" && rxgen -A -x -h "-I$afs" -o yfsvl.h "$f") >/dev/null 2>&1; then
      echo "FAIL rxgen accepted yfsvl.xg with its extension statements"; fail=1
    else
      echo "ok   rxgen rejects yfsvl.xg as written (RxGen extension)"
    fi
  else
    rxgen_all "$f" "$name" || fail=1
  fi
done

for f in "$here"/onc/*.x; do
  name=$(basename "$f")
  b=$(basename "$f" .x)
  d="$tmp/onc-$b"; mkdir -p "$d"; cp "$f" "$d/"
  if (cd "$d" && rpcgen -N -h -o "$b.h" "$name" && rpcgen -N -c -o "${b}_xdr.c" "$name" &&
      rpcgen -N -l -o "${b}_clnt.c" "$name" && rpcgen -N -m -o "${b}_svc.c" "$name") >"$tmp/log" 2>&1; then
    echo "ok   rpcgen -N -h/-c/-l/-m $name"
  else
    echo "FAIL rpcgen -N $name"; cat "$tmp/log"; fail=1
  fi
done

exit "$fail"
