using System.Collections.Generic;
using System.IO;
using System.Threading;
using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Preprocessing;
using RxGen.Compiler.Syntax.Generated;

namespace RxGen.Compiler.Syntax;

/// <summary>The parse stage: preprocessed text → ANTLR tree. The tree never leaves the compiler's
/// syntax → model step (<see cref="Model.ModelBuilder"/>).</summary>
internal sealed class ParsedIdl
{
    public ParsedIdl(RxGenIdlParser.FileContext tree, CommonTokenStream tokens, PreprocessedSource source)
    {
        Tree = tree;
        Tokens = tokens;
        Source = source;
    }

    public RxGenIdlParser.FileContext Tree { get; }
    public CommonTokenStream Tokens { get; }
    public PreprocessedSource Source { get; }
}

internal static class IdlParser
{
    public static ParsedIdl Parse(PreprocessedSource source, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var errors = new ErrorListener(source, diagnostics);
        var lexer = new RxGenIdlLexer(new AntlrInputStream(source.Text));
        lexer.RemoveErrorListeners();
        lexer.AddErrorListener(errors);
        var tokens = new CommonTokenStream(lexer);
        var parser = new RxGenIdlParser(tokens) { BuildParseTree = true };
        parser.RemoveErrorListeners();

        // Two-stage parsing: the fast SLL mode first; only if it fails, full LL with error reporting.
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        parser.ErrorHandler = new BailErrorStrategy();
        RxGenIdlParser.FileContext tree;
        try
        {
            tree = parser.file();
        }
        catch (ParseCanceledException)
        {
            tokens.Seek(0);
            parser.Reset();
            parser.Interpreter.PredictionMode = PredictionMode.LL;
            parser.ErrorHandler = new DefaultErrorStrategy();
            parser.AddErrorListener(errors);
            tree = parser.file();
        }
        return new ParsedIdl(tree, tokens, source);
    }

    private sealed class ErrorListener : IAntlrErrorListener<IToken>, IAntlrErrorListener<int>
    {
        private readonly PreprocessedSource _source;
        private readonly DiagnosticBag _diagnostics;
        private readonly HashSet<(int, int)> _seen = new();

        public ErrorListener(PreprocessedSource source, DiagnosticBag diagnostics)
        {
            _source = source;
            _diagnostics = diagnostics;
        }

        public void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
            => Report(line, charPositionInLine, Describe(offendingSymbol, msg));

        public void SyntaxError(TextWriter output, IRecognizer recognizer, int offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
            => Report(line, charPositionInLine, msg);

        private void Report(int line, int column0, string message)
        {
            if (!_seen.Add((line, column0))) return;
            _diagnostics.Add(DiagnosticDescriptors.SyntaxError, _source.Map(line, column0 + 1), DisplayText.Escape(message));
        }

        private static string Describe(IToken? token, string antlrMessage)
        {
            if (token is null) return antlrMessage;
            if (token.Type == TokenConstants.EOF) return "unexpected end of file: " + antlrMessage;
            if (token.Type == RxGenIdlLexer.UNEXPECTED_CHARACTER) return $"illegal character '{token.Text}' in file";
            // ANTLR lists every token it could accept; past a handful that is noise, not help.
            var set = System.Text.RegularExpressions.Regex.Match(antlrMessage, @"expecting \{([^}]*)\}");
            if (set.Success && set.Groups[1].Value.Split(',').Length > 4)
                return antlrMessage.Substring(0, set.Index) + "expecting a definition, declaration or value";
            return antlrMessage;
        }
    }
}
