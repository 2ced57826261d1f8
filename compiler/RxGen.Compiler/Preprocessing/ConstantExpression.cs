using System;

namespace RxGen.Compiler.Preprocessing;

/// <summary>
/// C preprocessor integer constant expressions: decimal, octal, hex (and 0b binary) literals with u/l/ll suffixes,
/// character literals, identifiers, <c>defined X</c> / <c>defined(X)</c>, unary <c>! ~ - +</c>, binary
/// <c>* / % + - &lt;&lt; &gt;&gt; &lt; &gt; &lt;= &gt;= == != &amp; ^ | &amp;&amp; ||</c>, <c>?:</c> and parentheses.
/// Comments are skipped. Arithmetic is 64-bit two's complement with C's intmax_t/uintmax_t rules (a <c>u</c>
/// suffix or a literal above <see cref="long.MaxValue"/> makes the arithmetic unsigned); an unsigned result is returned
/// as its bit pattern. Division by zero is an error only where the operand is evaluated (not in <c>0 &amp;&amp; 1/0</c>).
/// </summary>
public static class ConstantExpression
{
    /// <summary>
    /// Evaluates <paramref name="text"/>. Each identifier is passed to <paramref name="resolveIdentifier"/>; null
    /// means unknown, which is an error where the value is needed. <c>defined X</c> is 1 when the resolver knows X.
    /// </summary>
    public static bool TryEvaluate(string text, Func<string, long?> resolveIdentifier, out long value, out string? error)
    {
        if (text == null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        return ExpressionEvaluator.TryEvaluate(text, new ResolverEnvironment(resolveIdentifier), out value, out error);
    }

    private sealed class ResolverEnvironment : IExpressionEnvironment
    {
        private readonly Func<string, long?>? _resolve;

        public ResolverEnvironment(Func<string, long?>? resolve)
        {
            _resolve = resolve;
        }

        public bool UndefinedIsZero => false;

        public IdentifierKind Lookup(string name, out long value, out string? body)
        {
            body = null;
            long? resolved = _resolve?.Invoke(name);
            value = resolved ?? 0;
            return resolved.HasValue ? IdentifierKind.Value : IdentifierKind.Undefined;
        }
    }
}
