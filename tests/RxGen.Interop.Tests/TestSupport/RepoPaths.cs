using System;
using System.IO;

namespace RxGen.Interop.Tests.TestSupport;

/// <summary>Paths inside the repository, found by walking up from the test binaries to RxGen.sln.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root (the directory that holds RxGen.sln).</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>A path below the root, from its segments.</summary>
    public static string Combine(params string[] segments) => Path.Combine([Root, .. segments]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RxGen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"RxGen.sln not found above {AppContext.BaseDirectory}.");
    }
}
