#!/usr/bin/env bash
# Regenerates tests/Golden/*.cs from tests/Golden/manifest.txt with the rxgen CLI (one run per line).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build compiler/RxGen.Cli -c Release -nologo -v quiet >/dev/null
rxgen="dotnet compiler/RxGen.Cli/bin/Release/net10.0/rxgen.dll"
rm -f tests/Golden/*.cs
grep -v -E '^\s*(#|$)' tests/Golden/manifest.txt | while read -r line; do
  # shellcheck disable=SC2086
  $rxgen -o tests/Golden $line >/dev/null
done
