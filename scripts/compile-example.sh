#!/usr/bin/env bash
# The main job: compile an example interface definition to C# (the same command README shows).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run --project compiler/RxGen.Cli -c Release -- -I examples/afs -o generated examples/afs/vldbint.xg "$@"
