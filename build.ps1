#!/usr/bin/env pwsh
<#
.SYNOPSIS
  RxGen build entry point for PowerShell users (the same steps as scripts/*.sh).
.EXAMPLE
  dotnet tool restore; dotnet pwsh build.ps1 test
  Steps: restore, build, test, grammar [-Check], example, pack, all
#>
param(
    [Parameter(Position = 0)]
    [ValidateSet('restore', 'build', 'test', 'grammar', 'example', 'pack', 'all')]
    [string] $Step = 'build',
    [string] $Configuration = 'Release',
    # With 'grammar': regenerate into a temporary folder and fail if it differs from the checked-in parser.
    [switch] $Check,
    [string] $PackageOutput = 'artifacts/packages'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Native([string] $File, [string[]] $Arguments) {
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

$grammar = 'compiler/RxGen.Compiler/Syntax/RxGenIdl.g4'
$generated = 'compiler/RxGen.Compiler/Syntax/Generated'

function Invoke-Grammar([string] $OutDir) {
    if (-not (Test-Path node_modules/.bin/antlr-ng)) { Invoke-Native npm @('ci', '--no-audit', '--no-fund', '--silent') }
    Invoke-Native npx @('antlr-ng', '-Dlanguage=CSharp', '-p', 'RxGen.Compiler.Syntax.Generated', '-v', 'true', '-l', 'false', '-o', $OutDir, $grammar)
}

switch ($Step) {
    'restore' { Invoke-Native dotnet @('restore', 'RxGen.sln') }
    'build'   { Invoke-Native dotnet @('build', 'RxGen.sln', '-c', $Configuration, '-warnaserror', '-nologo') }
    'test'    { Invoke-Native bash @('scripts/test.sh') }
    'example' { Invoke-Native dotnet @('run', '--project', 'compiler/RxGen.Cli', '-c', $Configuration, '--', '-I', 'examples/afs', '-o', 'generated', 'examples/afs/vldbint.xg') }
    'grammar' {
        if ($Check) {
            $tmp = Join-Path ([System.IO.Path]::GetTempPath()) ("rxgen-grammar-" + [guid]::NewGuid())
            New-Item -ItemType Directory $tmp | Out-Null
            try {
                Invoke-Grammar $tmp
                $diff = @()
                $expected = Get-ChildItem $tmp -File | Sort-Object Name
                $actual = Get-ChildItem $generated -File | Sort-Object Name
                if (($expected.Name -join ',') -ne ($actual.Name -join ',')) { $diff += "file list differs: $($expected.Name -join ',') vs $($actual.Name -join ',')" }
                foreach ($f in $expected) {
                    $other = Join-Path $generated $f.Name
                    if ((Test-Path $other) -and ((Get-FileHash $f.FullName).Hash -ne (Get-FileHash $other).Hash)) { $diff += $f.Name }
                }
                if ($diff.Count -gt 0) { throw "The checked-in parser is not generated from $grammar (run: dotnet pwsh build.ps1 grammar). Differs: $($diff -join ', ')" }
                Write-Host "grammar: $generated is current"
            } finally { Remove-Item -Recurse -Force $tmp }
        } else { Invoke-Grammar $generated }
    }
    'pack' {
        # Every package (RxGen.Runtime, RxGen.Build, RxGen.Tool) into one folder, one version (Directory.Build.props).
        if (Test-Path $PackageOutput) { Remove-Item -Recurse -Force $PackageOutput }
        Invoke-Native dotnet @('pack', 'RxGen.sln', '-c', $Configuration, '-o', $PackageOutput, '-nologo', '-p:ContinuousIntegrationBuild=true')
    }
    'all' {
        & $PSCommandPath restore; & $PSCommandPath grammar -Check; & $PSCommandPath build; & $PSCommandPath test
    }
}
