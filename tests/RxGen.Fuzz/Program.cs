using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SharpFuzz;

namespace RxGen.Fuzz;

/// <summary>
/// Entry point. <c>RxGen.Fuzz xdr|idl</c> runs a target under afl-fuzz (SharpFuzz's fork server: one .NET
/// process runs input after input); <c>repro</c> runs saved inputs once and explains each; <c>seeds</c> writes the
/// XDR seed corpus; <c>types</c> lists the XDR selector bytes.
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: RxGen.Fuzz <xdr|idl>                       run a target under afl-fuzz (input on stdin)\n" +
        "       RxGen.Fuzz repro <xdr|idl> <file|dir>...   run saved inputs once; exit 1 on a finding\n" +
        "       RxGen.Fuzz seeds xdr <dir>                 write the XDR seed corpus (encoded sample values)\n" +
        "       RxGen.Fuzz types                           list the XDR types by selector byte";

    private static int Main(string[] args)
    {
        if (args.Length == 1 && TryTarget(args[0], out var target))
        {
            // A finding is an exception escaping the action: SharpFuzz reports it to afl-fuzz as a crash.
            Fuzzer.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                target(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            });
            return 0;
        }

        if (args.Length >= 3 && args[0] == "repro" && TryTarget(args[1], out target))
        {
            return Repro.Run(args[1], target, args.Skip(2));
        }

        if (args.Length == 3 && args[0] == "seeds" && args[1] == "xdr")
        {
            return XdrSeeds.Write(args[2]);
        }

        if (args.Length == 1 && args[0] == "types")
        {
            for (int i = 0; i < XdrTarget.Types.Count; i++)
            {
                Console.WriteLine($"0x{i:x2} {XdrTarget.Types[i].FullName}");
            }

            return 0;
        }

        Console.Error.WriteLine(Usage);
        return 2;
    }

    private static bool TryTarget(string name, out FuzzTarget target)
    {
        switch (name)
        {
            case "xdr":
                target = XdrTarget.Run;
                return true;
            case "idl":
                target = IdlTarget.Run;
                return true;
            default:
                target = null!;
                return false;
        }
    }
}

/// <summary>One fuzz target: returns normally for an input handled correctly, throws on a finding.</summary>
/// <param name="input">The input bytes.</param>
internal delegate void FuzzTarget(ReadOnlySpan<byte> input);

/// <summary>A behaviour the target must not show, found by checking (not an exception the code under test threw).</summary>
internal sealed class FuzzFindingException : Exception
{
    public FuzzFindingException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>Runs saved inputs once (crashes afl-fuzz found, or a corpus) and prints what each did.</summary>
internal static class Repro
{
    public static int Run(string name, FuzzTarget target, IEnumerable<string> paths)
    {
        var files = paths.SelectMany<string, string>(p => Directory.Exists(p)
                ? Directory.GetFiles(p).Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal)
                : new[] { p })
            .ToList();
        // The compiler turns some exceptions into an RXG0401 diagnostic with only the message: remember where the
        // last exception was thrown so the report can show its stack.
        string? lastThrow = null;
        AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
        {
            if (e.Exception is not FuzzFindingException)
            {
                lastThrow = e.Exception.GetType().FullName + ": " + e.Exception.Message + Environment.NewLine + new System.Diagnostics.StackTrace(1, true);
            }
        };
        int findings = 0;
        foreach (var file in files)
        {
            byte[] input = File.ReadAllBytes(file);
            lastThrow = null;
            try
            {
                target(input);
                Console.WriteLine($"ok       {file}");
            }
            catch (Exception e)
            {
                findings++;
                Console.WriteLine($"FINDING  {file} ({input.Length} bytes)");
                Console.WriteLine($"  input (base64): {Convert.ToBase64String(input)}");
                if (input.Length <= 512)
                {
                    Console.WriteLine($"  input (hex):    {Convert.ToHexString(input).ToLowerInvariant()}");
                }

                Console.WriteLine("  " + e.ToString().Replace("\n", "\n  ", StringComparison.Ordinal));
                if (e is FuzzFindingException { InnerException: null } && lastThrow is not null)
                {
                    Console.WriteLine("  last exception thrown inside the code under test:");
                    Console.WriteLine("  " + lastThrow.Replace("\n", "\n  ", StringComparison.Ordinal));
                }
            }
        }

        Console.WriteLine($"{name}: {files.Count} input(s), {findings} finding(s)");
        return findings == 0 ? 0 : 1;
    }
}
