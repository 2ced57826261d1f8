using System;
using System.Collections.Generic;
using System.Text;

namespace RxGen.Compiler.Preprocessing;

internal enum IdentifierKind
{
    Undefined,
    Value,
    ObjectMacro,
    FunctionMacro,
}

/// <summary>What identifiers mean while an expression is evaluated.</summary>
internal interface IExpressionEnvironment
{
    /// <summary>Classifies <paramref name="name"/>; gives its value for <see cref="IdentifierKind.Value"/> and its
    /// body for <see cref="IdentifierKind.ObjectMacro"/>.</summary>
    IdentifierKind Lookup(string name, out long value, out string? body);

    /// <summary>True for <c>#if</c> (an undefined identifier is 0, and so is a macro name met during its own
    /// expansion); false for constants the compiler needs, where both are errors.</summary>
    bool UndefinedIsZero { get; }
}

/// <summary>
/// Evaluates C preprocessor integer expressions with intmax_t/uintmax_t (64-bit) semantics. Object-like macros are
/// expanded at token level as cpp does (so <c>#define A 1+2</c> makes <c>A*2</c> equal 5), with cpp's rule that a
/// macro is not re-expanded inside its own expansion.
/// </summary>
internal sealed class ExpressionEvaluator
{
    private const int MaxNesting = 256;
    private const int MaxExpansions = 100_000;

    private readonly IExpressionEnvironment _env;
    private readonly List<Frame> _frames = new();
    private ExprToken _peeked;
    private bool _hasPeeked;
    private int _nesting;
    private int _expansions;

    private ExpressionEvaluator(string text, IExpressionEnvironment env)
    {
        _env = env;
        _frames.Add(new Frame(new ExpressionLexer(text), null));
    }

    public static bool TryEvaluate(string text, IExpressionEnvironment env, out long value, out string? error)
    {
        var evaluator = new ExpressionEvaluator(text, env);
        try
        {
            if (evaluator.Peek().Kind == ExprTokenKind.End)
            {
                throw new ExpressionException("missing expression");
            }

            Value result = evaluator.ParseConditional(true);
            ExprToken rest = evaluator.Peek();
            if (rest.Kind != ExprTokenKind.End)
            {
                if (rest.Kind == ExprTokenKind.Invalid)
                {
                    throw new ExpressionException(rest.Text);
                }

                if (rest.Kind == ExprTokenKind.Identifier || rest.Kind == ExprTokenKind.Number || rest.Is("("))
                {
                    throw new ExpressionException("missing binary operator before " + rest.Describe());
                }

                throw new ExpressionException("unexpected " + rest.Describe());
            }

            value = result.Bits;
            error = null;
            return true;
        }
        catch (ExpressionException e)
        {
            value = 0;
            error = e.Message;
            return false;
        }
    }

    private readonly struct Value
    {
        public readonly long Bits;
        public readonly bool Unsigned;

        public Value(long bits, bool isUnsigned)
        {
            Bits = bits;
            Unsigned = isUnsigned;
        }

        public static Value Signed(long bits) => new(bits, false);

        public static Value Bool(bool b) => new(b ? 1 : 0, false);

        public bool IsTrue => Bits != 0;
    }

    private sealed class Frame
    {
        public Frame(ExpressionLexer lexer, string? macro)
        {
            Lexer = lexer;
            Macro = macro;
        }

        public ExpressionLexer Lexer { get; }

        public string? Macro { get; }
    }

    private sealed class ExpressionException : Exception
    {
        public ExpressionException(string message)
            : base(message)
        {
        }
    }

    // ---------------------------------------------------------------- token stream with macro expansion

    private ExprToken Peek()
    {
        if (!_hasPeeked)
        {
            _peeked = Read(expand: true);
            _hasPeeked = true;
        }

        return _peeked;
    }

    private ExprToken Next(bool expand = true)
    {
        if (_hasPeeked)
        {
            _hasPeeked = false;
            return _peeked;
        }

        return Read(expand);
    }

    private ExprToken Read(bool expand)
    {
        while (true)
        {
            Frame top = _frames[_frames.Count - 1];
            ExprToken token = top.Lexer.Next();
            if (token.Kind == ExprTokenKind.End)
            {
                if (_frames.Count == 1)
                {
                    return token;
                }

                _frames.RemoveAt(_frames.Count - 1);
                continue;
            }

            if (expand && token.Kind == ExprTokenKind.Identifier && token.Text != "defined"
                && _env.Lookup(token.Text, out _, out string? body) == IdentifierKind.ObjectMacro)
            {
                if (IsExpanding(token.Text))
                {
                    token.IsPainted = true;
                    return token;
                }

                if (++_expansions > MaxExpansions)
                {
                    throw new ExpressionException("macro expansion is too large (more than " + MaxExpansions + " expansions)");
                }

                _frames.Add(new Frame(new ExpressionLexer(body ?? string.Empty), token.Text));
                continue;
            }

            return token;
        }
    }

    private bool IsExpanding(string name)
    {
        for (int i = 1; i < _frames.Count; i++)
        {
            if (_frames[i].Macro == name)
            {
                return true;
            }
        }

        return false;
    }

    private string ExpansionChain(string name)
    {
        var sb = new StringBuilder();
        bool started = false;
        for (int i = 1; i < _frames.Count; i++)
        {
            if (_frames[i].Macro == name)
            {
                started = true;
            }

            if (started)
            {
                sb.Append(_frames[i].Macro).Append(" -> ");
            }
        }

        return sb.Append(name).ToString();
    }

    private void Expect(string punctuator, string message)
    {
        ExprToken t = Next();
        if (t.Kind == ExprTokenKind.Invalid)
        {
            throw new ExpressionException(t.Text);
        }

        if (!t.Is(punctuator))
        {
            throw new ExpressionException(message + ", found " + t.Describe());
        }
    }

    // ---------------------------------------------------------------- grammar

    private Value ParseConditional(bool eval)
    {
        Value condition = ParseBinary(1, eval);
        if (!Peek().Is("?"))
        {
            return condition;
        }

        Next();
        Enter();
        Value whenTrue = ParseConditional(eval && condition.IsTrue);
        Expect(":", "expected ':' in conditional expression");
        Value whenFalse = ParseConditional(eval && !condition.IsTrue);
        Leave();
        bool isUnsigned = whenTrue.Unsigned || whenFalse.Unsigned;
        return new Value(condition.IsTrue ? whenTrue.Bits : whenFalse.Bits, isUnsigned);
    }

    private static int Precedence(in ExprToken t)
    {
        if (t.Kind != ExprTokenKind.Punctuator)
        {
            return 0;
        }

        switch (t.Text)
        {
            case "||": return 1;
            case "&&": return 2;
            case "|": return 3;
            case "^": return 4;
            case "&": return 5;
            case "==":
            case "!=": return 6;
            case "<":
            case ">":
            case "<=":
            case ">=": return 7;
            case "<<":
            case ">>": return 8;
            case "+":
            case "-": return 9;
            case "*":
            case "/":
            case "%": return 10;
            default: return 0;
        }
    }

    private Value ParseBinary(int minPrecedence, bool eval)
    {
        Value left = ParseUnary(eval);
        while (true)
        {
            ExprToken op = Peek();
            int precedence = Precedence(op);
            if (precedence == 0 || precedence < minPrecedence)
            {
                return left;
            }

            Next();
            bool rightEval = eval;
            if (op.Text == "&&")
            {
                rightEval = eval && left.IsTrue;
            }
            else if (op.Text == "||")
            {
                rightEval = eval && !left.IsTrue;
            }

            Value right = ParseBinary(precedence + 1, rightEval);
            left = Apply(op.Text, left, right, eval);
        }
    }

    private Value ParseUnary(bool eval)
    {
        ExprToken t = Peek();
        if (t.Kind == ExprTokenKind.Punctuator && (t.Text == "!" || t.Text == "~" || t.Text == "-" || t.Text == "+"))
        {
            Next();
            Enter();
            Value operand = ParseUnary(eval);
            Leave();
            switch (t.Text)
            {
                case "!": return Value.Bool(!operand.IsTrue);
                case "~": return new Value(~operand.Bits, operand.Unsigned);
                case "-": return new Value(unchecked(-operand.Bits), operand.Unsigned);
                default: return operand;
            }
        }

        return ParsePrimary(eval);
    }

    private Value ParsePrimary(bool eval)
    {
        ExprToken t = Next();
        switch (t.Kind)
        {
            case ExprTokenKind.Number:
                return new Value(t.Value, t.IsUnsigned);

            case ExprTokenKind.Invalid:
                throw new ExpressionException(t.Text);

            case ExprTokenKind.End:
                throw new ExpressionException("expected a value at end of expression");

            case ExprTokenKind.Identifier:
                return t.Text == "defined" ? ParseDefined() : IdentifierValue(t, eval);
        }

        if (t.Is("("))
        {
            Enter();
            Value inner = ParseConditional(eval);
            Expect(")", "missing ')' in expression");
            Leave();
            return inner;
        }

        throw new ExpressionException("expected a value, found " + t.Describe());
    }

    private Value ParseDefined()
    {
        ExprToken t = Next(expand: false);
        bool parenthesized = t.Is("(");
        if (parenthesized)
        {
            t = Next(expand: false);
        }

        if (t.Kind != ExprTokenKind.Identifier)
        {
            throw new ExpressionException("operator 'defined' requires an identifier");
        }

        bool isDefined = _env.Lookup(t.Text, out _, out _) != IdentifierKind.Undefined;
        if (parenthesized)
        {
            Expect(")", "missing ')' after 'defined'");
        }

        return Value.Bool(isDefined);
    }

    private Value IdentifierValue(in ExprToken t, bool eval)
    {
        IdentifierKind kind = _env.Lookup(t.Text, out long value, out _);
        switch (kind)
        {
            case IdentifierKind.Value:
                return Value.Signed(value);

            case IdentifierKind.FunctionMacro:
                if (Peek().Is("("))
                {
                    SkipArguments();
                }

                if (eval)
                {
                    throw new ExpressionException("function-like macro '" + t.Text + "' cannot be evaluated");
                }

                return Value.Signed(0);

            case IdentifierKind.ObjectMacro when t.IsPainted:
                if (eval && !_env.UndefinedIsZero)
                {
                    throw new ExpressionException("macro '" + t.Text + "' expands to itself (" + ExpansionChain(t.Text) + ")");
                }

                return Value.Signed(0);

            default:
                if (eval && !_env.UndefinedIsZero)
                {
                    throw new ExpressionException("unknown identifier '" + t.Text + "'");
                }

                return Value.Signed(0);
        }
    }

    private void SkipArguments()
    {
        Next(expand: false);
        int depth = 1;
        while (depth > 0)
        {
            ExprToken t = Next(expand: false);
            if (t.Kind == ExprTokenKind.End)
            {
                throw new ExpressionException("unterminated argument list of a function-like macro");
            }

            if (t.Is("("))
            {
                depth++;
            }
            else if (t.Is(")"))
            {
                depth--;
            }
        }
    }

    private void Enter()
    {
        if (++_nesting > MaxNesting)
        {
            throw new ExpressionException("expression is nested too deeply (more than " + MaxNesting + " levels)");
        }
    }

    private void Leave() => _nesting--;

    // ---------------------------------------------------------------- arithmetic

    private static Value Apply(string op, Value l, Value r, bool eval)
    {
        bool u = l.Unsigned || r.Unsigned;
        long a = l.Bits;
        long b = r.Bits;
        switch (op)
        {
            case "||": return Value.Bool(l.IsTrue || r.IsTrue);
            case "&&": return Value.Bool(l.IsTrue && r.IsTrue);
            case "|": return new Value(a | b, u);
            case "^": return new Value(a ^ b, u);
            case "&": return new Value(a & b, u);
            case "==": return Value.Bool(a == b);
            case "!=": return Value.Bool(a != b);
            case "<": return Value.Bool(u ? (ulong)a < (ulong)b : a < b);
            case ">": return Value.Bool(u ? (ulong)a > (ulong)b : a > b);
            case "<=": return Value.Bool(u ? (ulong)a <= (ulong)b : a <= b);
            case ">=": return Value.Bool(u ? (ulong)a >= (ulong)b : a >= b);
            case "<<": return new Value(ShiftLeft(a, b, r.Unsigned, l.Unsigned), l.Unsigned);
            case ">>": return new Value(ShiftRight(a, b, r.Unsigned, l.Unsigned), l.Unsigned);
            case "+": return new Value(unchecked(a + b), u);
            case "-": return new Value(unchecked(a - b), u);
            case "*": return new Value(unchecked(a * b), u);
            case "/":
            case "%":
                if (b == 0)
                {
                    if (eval)
                    {
                        throw new ExpressionException("division by zero");
                    }

                    return l; // as GCC: an unevaluated x / 0 is x, with x's signedness
                }

                if (u)
                {
                    ulong ua = (ulong)a;
                    ulong ub = (ulong)b;
                    return new Value(unchecked((long)(op == "/" ? ua / ub : ua % ub)), true);
                }

                if (a == long.MinValue && b == -1)
                {
                    return Value.Signed(op == "/" ? long.MinValue : 0);
                }

                return Value.Signed(op == "/" ? a / b : a % b);
            default:
                throw new ExpressionException("unexpected '" + op + "'");
        }
    }

    // As GCC: a negative count shifts the other way; a count of 64 or more shifts everything out.
    private static long ShiftLeft(long value, long count, bool countUnsigned, bool valueUnsigned)
    {
        if (!countUnsigned && count < 0)
        {
            return ShiftRight(value, count == long.MinValue ? long.MaxValue : -count, false, valueUnsigned);
        }

        if (countUnsigned ? (ulong)count >= 64 : count >= 64)
        {
            return 0;
        }

        return value << (int)count;
    }

    private static long ShiftRight(long value, long count, bool countUnsigned, bool valueUnsigned)
    {
        if (!countUnsigned && count < 0)
        {
            return ShiftLeft(value, count == long.MinValue ? long.MaxValue : -count, false, valueUnsigned);
        }

        if (countUnsigned ? (ulong)count >= 64 : count >= 64)
        {
            return valueUnsigned || value >= 0 ? 0 : -1;
        }

        return valueUnsigned ? (long)((ulong)value >> (int)count) : value >> (int)count;
    }
}
