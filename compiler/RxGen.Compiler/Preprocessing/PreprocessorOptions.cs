using System;
using System.Collections.Generic;

namespace RxGen.Compiler.Preprocessing;

/// <summary>Options of one preprocessor run (the cpp subset rxgen and rpcgen input needs).</summary>
public sealed class PreprocessorOptions
{
    /// <summary>The <c>-I</c> directories, searched in order after the directory of the including file.</summary>
    public IReadOnlyList<string> IncludeDirectories { get; init; } = Array.Empty<string>();

    /// <summary>The <c>-D NAME[=VALUE]</c> list, applied in order after the predefined macros; a null value means "1".
    /// A key of the form <c>F(x)</c> declares a function-like macro (recorded for <c>defined</c> only).</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Defines { get; init; } = Array.Empty<KeyValuePair<string, string?>>();

    /// <summary>The default of <see cref="MaxFileLength"/> and <see cref="MaxTotalLength"/>: 64 Mi characters (64 MiB of ASCII).</summary>
    public const long DefaultMaxLength = 64L * 1024 * 1024;

    /// <summary>The longest file (main file or include), in characters, the preprocessor reads; a longer one is
    /// reported as RXG0011 and not read. Bounds the compiler's memory on hostile input (docs/compiler-limits.md).</summary>
    public long MaxFileLength { get; init; } = DefaultMaxLength;

    /// <summary>The most characters one run reads in all, counting every inclusion of a file (a header included
    /// n times counts n times); an include past it is reported as RXG0011 and not read.</summary>
    public long MaxTotalLength { get; init; } = DefaultMaxLength;

    /// <summary>Parses a <c>-D</c> argument: <c>NAME</c> or <c>NAME=VALUE</c> (the CLI and the MSBuild <c>Defines</c> metadata).</summary>
    public static KeyValuePair<string, string?> ParseDefine(string define)
    {
        var eq = define.IndexOf('=');
        return eq < 0 ? new KeyValuePair<string, string?>(define, null) : new KeyValuePair<string, string?>(define.Substring(0, eq), define.Substring(eq + 1));
    }
}
