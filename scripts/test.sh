#!/usr/bin/env bash
# The whole RxGen test suite, as CI runs it (.ci/run calls this): installs the Debian peers the
# tests need, proves the checked-in parser is generated from the grammar, builds everything with
# warnings as errors, builds the C peers and runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== peers (Debian packages)"
if [ "$(id -u)" = 0 ]; then bash scripts/install-peers.sh; else sudo bash scripts/install-peers.sh; fi

echo "== tools (antlr-ng from package-lock.json, PowerShell 7 from .config/dotnet-tools.json)"
npm ci --no-audit --no-fund --silent
dotnet tool restore >/dev/null

echo "== grammar is current (build.ps1 grammar -Check)"
dotnet pwsh -NoProfile -File ./build.ps1 grammar -Check

echo "== C peers, and the examples against the reference compilers (OpenAFS rxgen, rpcgen)"
bash tests/peers/build.sh tests/peers/build
bash tests/peers/check-samples.sh
bash examples/check-examples.sh

echo "== compiler formatted to .editorconfig (dotnet format whitespace --verify-no-changes)"
dotnet format whitespace compiler --folder --exclude compiler/RxGen.Compiler/Syntax/Generated --exclude '**/obj/**' --exclude '**/bin/**' --verify-no-changes

echo "== build"
dotnet build RxGen.sln -c Release -warnaserror -nologo -v quiet

echo "== fuzz smoke (scripts/fuzz.sh, about 20 s per target; docs/fuzzing.md)"
timeout 300 bash scripts/fuzz.sh xdr 20
timeout 300 bash scripts/fuzz.sh idl 20

echo "== packages (build.ps1 pack: RxGen.Runtime, RxGen.Build, RxGen.Tool into artifacts/packages)"
dotnet pwsh -NoProfile -File ./build.ps1 pack

echo "== example programs (from the packages, as users build them: examples/afs/AfsVl, examples/upgrade/UpgradeDemo, examples/onc/OncDemo)"
dotnet build examples/afs/AfsVl -c Release -warnaserror -nologo -v quiet
dotnet build examples/upgrade/UpgradeDemo -c Release -warnaserror -nologo -v quiet
dotnet build examples/onc/OncDemo -c Release -warnaserror -nologo -v quiet

echo "== tests"
dotnet test RxGen.sln -c Release --no-build -nologo -v quiet --logger "console;verbosity=normal" -- RunConfiguration.TestSessionTimeout=1500000
