using System;
using System.Threading;

namespace RxGen.Compiler.Preprocessing;

/// <summary>
/// The cpp subset that rxgen (.xg) and rpcgen (.x) input needs: <c>#include "file"</c>, object-like <c>#define</c>,
/// <c>#undef</c>, <c>#if/#ifdef/#ifndef/#elif/#else/#endif</c>, <c>#error</c>, and '%' pass-through lines.
/// <c>RPC_HDR</c> is predefined as 1: RxGen makes one pass, equivalent to rxgen's header (<c>-h</c>) pass, so code
/// under <c>#ifdef RPC_CLIENT</c>, <c>RPC_SERVER</c> or <c>RPC_XDR</c> is inactive unless defined with -D.
/// Pure: no file I/O (included files come from an <see cref="ISourceProvider"/>) and no shared state.
/// </summary>
public static class Preprocessor
{
    public static PreprocessedSource Run(string path, string text, PreprocessorOptions options, ISourceProvider sources, CancellationToken cancellationToken = default)
    {
        if (path == null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        if (text == null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        if (sources == null)
        {
            throw new ArgumentNullException(nameof(sources));
        }

        return new PreprocessorRun(options ?? new PreprocessorOptions(), sources, cancellationToken).Execute(path, text);
    }
}
