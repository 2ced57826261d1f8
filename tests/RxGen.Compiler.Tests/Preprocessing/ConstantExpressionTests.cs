using System.Collections.Generic;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Compiler.Tests.Preprocessing;

public sealed class ConstantExpressionTests
{
    private static long Eval(string text, Dictionary<string, long>? names = null)
    {
        bool ok = ConstantExpression.TryEvaluate(text, n => names != null && names.TryGetValue(n, out long v) ? v : null, out long value, out string? error);
        Assert.True(ok, error);
        Assert.Null(error);
        return value;
    }

    private static string Fail(string text)
    {
        bool ok = ConstantExpression.TryEvaluate(text, _ => null, out long value, out string? error);
        Assert.False(ok);
        Assert.Equal(0, value);
        Assert.NotNull(error);
        return error!;
    }

    [Theory]
    [InlineData("42", 42)]
    [InlineData("0x1F", 31)]
    [InlineData("0X1f", 31)]
    [InlineData("017", 15)]
    [InlineData("0", 0)]
    [InlineData("0b101", 5)]
    [InlineData("10u", 10)]
    [InlineData("10UL", 10)]
    [InlineData("10lu", 10)]
    [InlineData("10ll", 10)]
    [InlineData("10ULL", 10)]
    [InlineData("0x7fffffffffffffff", long.MaxValue)]
    [InlineData("0xffffffffffffffff", -1)]
    [InlineData("'a'", 97)]
    [InlineData("'\\n'", 10)]
    [InlineData("'\\0'", 0)]
    [InlineData("'\\377'", -1)]
    [InlineData("'\\x41'", 65)]
    [InlineData("'\\''", 39)]
    [InlineData("'ab'", 0x6162)]
    [InlineData("L'a'", 97)]
    public void Literals(string text, long expected) => Assert.Equal(expected, Eval(text));

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("10 - 4 - 3", 3)]
    [InlineData("100 / 10 / 5", 2)]
    [InlineData("-7 / 2", -3)]
    [InlineData("-7 % 3", -1)]
    [InlineData("7 % -3", 1)]
    [InlineData("1 << 4 + 1", 32)]
    [InlineData("256 >> 2 >> 1", 32)]
    [InlineData("-16 >> 2", -4)]
    [InlineData("1 << 63", long.MinValue)]
    [InlineData("1 << 64", 0)]
    [InlineData("1 << -1", 0)]
    [InlineData("8 >> -1", 16)]
    [InlineData("1 < 2 == 1", 1)]
    [InlineData("3 > 2 > 1", 0)]
    [InlineData("2 <= 2", 1)]
    [InlineData("2 >= 3", 0)]
    [InlineData("1 != 2", 1)]
    [InlineData("6 & 3", 2)]
    [InlineData("6 ^ 3", 5)]
    [InlineData("6 | 3", 7)]
    [InlineData("1 | 2 ^ 3 & 4", 3)]
    [InlineData("0 || 2", 1)]
    [InlineData("3 && 2", 1)]
    [InlineData("1 || 0 && 0", 1)]
    [InlineData("!0", 1)]
    [InlineData("!5", 0)]
    [InlineData("~0", -1)]
    [InlineData("-(-3)", 3)]
    [InlineData("+3", 3)]
    [InlineData("- - 3", 3)]
    [InlineData("!!7", 1)]
    [InlineData("1 ? 2 : 3", 2)]
    [InlineData("0 ? 2 : 3", 3)]
    [InlineData("0 ? 1 : 0 ? 2 : 3", 3)]
    [InlineData("1 ? 0 ? 4 : 5 : 6", 5)]
    [InlineData("1 + 1 ? 10 : 20", 10)]
    [InlineData("(5*60)", 300)]
    [InlineData("0x7fffffffffffffff + 1", long.MinValue)]
    [InlineData("-0x7fffffffffffffff - 1", long.MinValue)]
    [InlineData("(-0x7fffffffffffffff - 1) / -1", long.MinValue)]
    [InlineData("(-0x7fffffffffffffff - 1) % -1", 0)]
    [InlineData("1 /* comment */ + 2 // trailing", 3)]
    public void Operators_and_precedence(string text, long expected) => Assert.Equal(expected, Eval(text));

    [Theory]
    [InlineData("-1 < 0", 1)]
    [InlineData("-1 < 0u", 0)]
    [InlineData("-1 > 0u", 1)]
    [InlineData("0xffffffffffffffff > 0", 1)]
    [InlineData("-1u / 2", long.MaxValue)]
    [InlineData("-1u >> 63", 1)]
    [InlineData("-1 >> 63", -1)]
    [InlineData("(1 ? -1 : 0u) > 0", 1)]
    public void Unsigned_arithmetic_follows_C(string text, long expected) => Assert.Equal(expected, Eval(text));

    [Fact]
    public void Short_circuit_operands_are_not_evaluated()
    {
        Assert.Equal(0, Eval("0 && 1 / 0"));
        Assert.Equal(1, Eval("1 || 1 % 0"));
        Assert.Equal(2, Eval("1 ? 2 : 1 / 0"));
        Assert.Equal(0, Eval("0 && UNKNOWN"));
    }

    [Fact]
    public void Identifiers_resolve_through_the_callback()
    {
        var names = new Dictionary<string, long> { ["MAXPATHLEN"] = 4096, ["ONE"] = 1 };
        Assert.Equal(4097, Eval("MAXPATHLEN + ONE", names));
        Assert.Equal(1, Eval("defined(MAXPATHLEN) && !defined NOPE", names));
        Assert.Contains("unknown identifier 'NOPE'", Fail("NOPE + 1"));
        Assert.True(ConstantExpression.TryEvaluate("X", null!, out _, out _) == false);
    }

    [Theory]
    [InlineData("", "missing expression")]
    [InlineData("   ", "missing expression")]
    [InlineData("1 / 0", "division by zero")]
    [InlineData("5 % (2 - 2)", "division by zero")]
    [InlineData("(1 + 2", "missing ')'")]
    [InlineData("1 + 2)", "unexpected ')'")]
    [InlineData("1 +", "expected a value")]
    [InlineData("1 2", "missing binary operator")]
    [InlineData("1 ? 2", "expected ':'")]
    [InlineData("08", "invalid integer constant")]
    [InlineData("0x", "invalid integer constant")]
    [InlineData("12abc", "invalid integer constant")]
    [InlineData("1.5", "floating constant")]
    [InlineData("1e5", "floating constant")]
    [InlineData("99999999999999999999", "too large")]
    [InlineData("''", "empty character constant")]
    [InlineData("'a", "missing terminating")]
    [InlineData("\"str\"", "string literal")]
    [InlineData("1 = 2", "unexpected '='")]
    [InlineData("1, 2", "unexpected ','")]
    [InlineData("defined", "requires an identifier")]
    [InlineData("defined(X", "missing ')'")]
    [InlineData("@", "expected a value")]
    [InlineData("--1", "expected a value, found '--'")]
    [InlineData("1 += 2", "unexpected '+='")]
    [InlineData("1 <<= 2", "unexpected '<<='")]
    public void Errors_are_reported_not_thrown(string text, string message) => Assert.Contains(message, Fail(text));

    [Fact]
    public void Deep_nesting_is_an_error_not_a_stack_overflow()
    {
        string deep = new string('(', 100_000) + "1" + new string(')', 100_000);
        Assert.Contains("nested too deeply", Fail(deep));
        Assert.Contains("nested too deeply", Fail(new string('!', 100_000) + "1"));
        Assert.Equal(1, Eval(new string('(', 200) + "1" + new string(')', 200)));
    }
}
