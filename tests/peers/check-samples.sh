#!/usr/bin/env bash
# Checks that the hex pinned in tests/peers/SAMPLES.md is what the C peers
# print today.  Each pinned block is a line `<!-- hex: onc N -->`,
# `<!-- hex: afs N -->` or `<!-- hex: bench -->`, then a fenced block whose
# single line is the hex.
#
# Usage: tests/peers/check-samples.sh [--update] [bindir]
#   bindir   where build.sh put the peers (default: tests/peers/build)
#   --update rewrite the hex lines in SAMPLES.md instead of checking
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
bin=${1:-"$here/build"}
md="$here/SAMPLES.md"

for b in rich_onc_peer rich_afs_peer nested_bench; do
  [ -x "$bin/$b" ] || { echo "check-samples.sh: $bin/$b missing (run tests/peers/build.sh)" >&2; exit 1; }
done

peer_hex() { # kind [n]
  case $1 in
    onc) "$bin/rich_onc_peer" encode "$2" ;;
    afs) "$bin/rich_afs_peer" encode "$2" ;;
    bench) "$bin/nested_bench" hex ;;
  esac
}

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.out"' EXIT
exec 3>&1
fail=0 seen=0 state=0 key=""
while IFS= read -r line || [ -n "$line" ]; do
  case $state in
    0) if [[ $line =~ ^'<!-- hex: '([a-z]+)( ([0-9]+))?' -->'$ ]]; then
         key="${BASH_REMATCH[1]}${BASH_REMATCH[3]:+ ${BASH_REMATCH[3]}}"; state=1
       fi
       printf '%s\n' "$line" ;;
    1) printf '%s\n' "$line"; state=2 ;;           # opening fence
    2) want=$(peer_hex $key)
       seen=$((seen + 1))
       if [ "$update" -eq 1 ]; then
         printf '%s\n' "$want"
       else
         printf '%s\n' "$line"
         if [ "$line" = "$want" ]; then
           echo "ok   $key" >&3
         else
           echo "FAIL $key: SAMPLES.md differs from the peer's output" >&3; fail=$((fail + 1))
         fi
       fi
       state=0 ;;
  esac
done < "$md" > "$tmp.out"

if [ "$update" -eq 1 ]; then
  mv "$tmp.out" "$md"
  echo "check-samples.sh: updated $seen hex blocks in SAMPLES.md"
else
  rm -f "$tmp.out"
  if [ "$fail" -ne 0 ]; then
    echo "check-samples.sh: $fail of $seen hex blocks differ" >&2
    exit 1
  fi
  echo "check-samples.sh: all $seen hex blocks match"
fi
