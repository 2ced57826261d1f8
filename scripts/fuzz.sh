#!/usr/bin/env bash
# Fuzzes one target of tests/RxGen.Fuzz with afl++ for a given time (docs/fuzzing.md).
#   scripts/fuzz.sh <xdr|idl> <seconds>
# Builds the harness, copies it to artifacts/fuzz/<target>/bin, instruments the code under test there with
# sharpfuzz (the normal build stays uninstrumented), writes the seed corpus, runs one afl-fuzz instance,
# prints execs/s, inputs run and findings, and exits 1 on a finding (crashes or hangs; see the repro lines).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-}; seconds=${2:-}
case "$target" in xdr|idl) ;; *) echo "usage: scripts/fuzz.sh <xdr|idl> <seconds>" >&2; exit 2 ;; esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh <xdr|idl> <seconds>" >&2; exit 2; }
command -v afl-fuzz >/dev/null || { echo "fuzz.sh: afl-fuzz missing (scripts/install-peers.sh installs afl++)" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work=artifacts/fuzz/$target
rm -rf "$work"; mkdir -p "$work/seeds"
dotnet tool restore >/dev/null
dotnet build tests/RxGen.Fuzz/RxGen.Fuzz.csproj -c Release -nologo -v quiet >/dev/null
cp -r tests/RxGen.Fuzz/bin/Release/net10.0 "$work/bin"
dll=$work/bin/RxGen.Fuzz.dll
if [ "$target" = xdr ]; then
  dotnet sharpfuzz "$work/bin/RxGen.Runtime.dll"
  dotnet sharpfuzz "$dll" Golden.
  dotnet tests/RxGen.Fuzz/bin/Release/net10.0/RxGen.Fuzz.dll seeds xdr "$work/seeds"
else
  dotnet sharpfuzz "$work/bin/RxGen.Compiler.dll"
  cp examples/afs/*.xg examples/onc/*.x "$work/seeds/"
  for f in /usr/include/rpcsvc/*.x; do [ -e "$f" ] && cp "$f" "$work/seeds/rpcsvc-$(basename "$f")"; done
fi

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
timeout $((seconds + 120)) afl-fuzz -i "$work/seeds" -o "$work/out" -t 2000 -m 10000 -V "$seconds" \
  -- dotnet "$dll" "$target" >"$work/afl.log" 2>&1 || { tail -20 "$work/afl.log" >&2; echo "fuzz.sh: afl-fuzz failed" >&2; exit 1; }

stats=$work/out/default/fuzzer_stats
get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes=$(get saved_crashes); hangs=$(get saved_hangs)
echo "fuzz.sh $target: $(get run_time) s, $(get execs_per_sec) execs/s, $(get execs_done) inputs run, corpus $(get corpus_count), crashes $crashes, hangs $hangs"
if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
  dotnet tests/RxGen.Fuzz/bin/Release/net10.0/RxGen.Fuzz.dll repro "$target" "$work/out/default/crashes" "$work/out/default/hangs" || true
  echo "fuzz.sh: findings in $work/out/default/{crashes,hangs}" >&2
  exit 1
fi
