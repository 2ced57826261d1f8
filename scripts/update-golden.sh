#!/usr/bin/env bash
# Regenerates tests/Golden/*.cs from tests/Golden/manifest.txt with the rxgen CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build compiler/RxGen.Cli -c Release -nologo -v quiet >/dev/null
rxgen="dotnet compiler/RxGen.Cli/bin/Release/net10.0/rxgen.dll"
grep -v -E '^\s*(#|$)' tests/Golden/manifest.txt | while read -r input ns rest; do
  # shellcheck disable=SC2086
  $rxgen --namespace "$ns" $rest -o tests/Golden "$input"
done
