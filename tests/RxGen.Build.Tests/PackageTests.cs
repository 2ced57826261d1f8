using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RxGen.Compiler;
using RxGen.Compiler.Emit;

namespace RxGen.Build.Tests;

/// <summary>The packages as users get them: a consumer project restoring RxGen from the packed folder only, and
/// the rxgen dotnet tool installed from it.</summary>
[Collection("dotnet processes")]
public class PackageTests
{
    [Theory]
    [InlineData("false")]
    [InlineData("true")]
    public void Consumer_restores_from_the_packed_folder_builds_with_warnings_as_errors_and_round_trips(string sharedCompilation)
    {
        Processes.Packages();
        var consumer = Repo.PathOf("examples/consumer");
        foreach (var dir in new[] { "obj", "bin" }) if (Directory.Exists(Path.Combine(consumer, dir))) Directory.Delete(Path.Combine(consumer, dir), true);
        var build = Processes.Run("dotnet", new[] { "build", "-c", "Release", "-warnaserror", "-nologo", "-p:UseSharedCompilation=" + sharedCompilation }, consumer, TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.DoesNotContain("CS8785", build.Output);
        Assert.DoesNotContain("CS9057", build.Output);
        // Nothing is written into the source tree: the generated code lives in the compilation only.
        Assert.DoesNotContain(Directory.GetFiles(consumer, "*.cs", SearchOption.AllDirectories), f => f.Contains(".g.cs") || f.EndsWith(".xg.cs") || f.EndsWith(".x.cs"));
        var run = Processes.Run("dotnet", new[] { "bin/Release/net10.0/Consumer.dll" }, consumer, TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("consumer: round trips ok", run.Output);
    }

    [Fact]
    public void Tool_installs_from_the_packed_folder_and_compiles_every_example_like_the_generator()
    {
        var packages = Processes.Packages();
        var temp = Directory.CreateTempSubdirectory("rxgen-tool-");
        try
        {
            var tools = Path.Combine(temp.FullName, "tools");
            var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(temp.FullName, "nuget") };
            var install = Processes.Run("dotnet", new[] { "tool", "install", "--tool-path", tools, "--add-source", packages, "--ignore-failed-sources", "RxGen.Tool", "--version", "0.1.0" },
                temp.FullName, TimeSpan.FromMinutes(3), env);
            Assert.True(install.ExitCode == 0, install.Output);
            var rxgen = Path.Combine(tools, "rxgen");
            var version = Processes.Run(rxgen, new[] { "--version" }, temp.FullName, TimeSpan.FromMinutes(1));
            Assert.Equal((0, "0.1.0"), (version.ExitCode, version.Output.Trim()));

            var examples = Directory.GetFiles(Repo.PathOf("examples"), "*.*", SearchOption.AllDirectories)
                .Where(f => (f.EndsWith(".xg") || f.EndsWith(".x")) && !f.Contains("/obj/")).OrderBy(f => f).ToList();
            Assert.True(examples.Count >= 7);
            var output = Path.Combine(temp.FullName, "out");
            var args = new List<string> { "-I", Repo.PathOf("examples/afs"), "-o", output };
            args.AddRange(examples);
            var compile = Processes.Run(rxgen, args, temp.FullName, TimeSpan.FromMinutes(2));
            Assert.True(compile.ExitCode == 0, compile.Output);
            foreach (var example in examples)
            {
                // Byte-identical to the generator's text for the same input and options (GeneratorTests: generator == core).
                var core = RxGenCompiler.Compile(new CompileRequest(example.Replace('\\', '/'), File.ReadAllText(example), new DiskSources(), new[] { Repo.PathOf("examples/afs") }, null, new EmitOptions()));
                // The input's own output (included files' outputs are checked with the includer that declares them).
                var own = core.Files.First();
                Assert.Equal(Path.GetFileName(example) + ".cs", own.FileName);
                Assert.Equal(System.Text.Encoding.UTF8.GetBytes(own.Text), File.ReadAllBytes(Path.Combine(output, own.FileName)));
            }
            var bad = Processes.Run(rxgen, new[] { "-o", output }, temp.FullName, TimeSpan.FromMinutes(1));
            Assert.Equal(2, bad.ExitCode);
        }
        finally
        {
            temp.Delete(true);
        }
    }
}
