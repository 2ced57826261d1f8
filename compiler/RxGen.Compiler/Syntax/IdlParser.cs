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

/// <summary>One piece of the input as the parse stage hands it to <see cref="Model.ModelBuilder"/>: the top-level
/// definitions up to a ';' outside any braces or parentheses, with their tokens (comments included, for
/// documentation). A chunk is dropped once its model is built, so the parse tree and the tokens of the whole file
/// never exist at once (issue 16: memory grows with the model, not with ANTLR's structures).</summary>
internal sealed class ParsedChunk
{
    public ParsedChunk(RxGenIdlParser.DefinitionContext[] definitions, CommonTokenStream tokens, bool isUnparsedType = false)
    {
        Definitions = definitions;
        Tokens = tokens;
        IsUnparsedType = isUnparsedType;
    }

    /// <summary>The chunk's definitions; none for an <see cref="IsUnparsedType"/> chunk.</summary>
    public RxGenIdlParser.DefinitionContext[] Definitions { get; }

    /// <summary>A chunk that begins with <c>struct</c>, <c>union</c> or <c>typedef</c>, left unparsed at the caller's
    /// request (<see cref="ParsedIdl.Chunks(bool)"/>): only its <see cref="Tokens"/> are there.</summary>
    public bool IsUnparsedType { get; }
    public CommonTokenStream Tokens { get; }
}

/// <summary>The parse stage: preprocessed text → ANTLR trees, one chunk at a time. The trees never leave the
/// compiler's syntax → model step (<see cref="Model.ModelBuilder"/>).</summary>
internal sealed class ParsedIdl
{
    private readonly ErrorListener _errors;
    private readonly CancellationToken _cancellationToken;

    public ParsedIdl(PreprocessedSource source, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        Source = source;
        _cancellationToken = cancellationToken;
        _errors = new ErrorListener(source, diagnostics);
    }

    public PreprocessedSource Source { get; }

    /// <summary>Lexes and parses the text from the start, lazily, one chunk per step. Each call starts over
    /// (the model builder reads the input twice: names and values first, then definitions); syntax errors are
    /// reported once.</summary>
    public IEnumerable<ParsedChunk> Chunks() => Chunks(false);

    /// <summary>How many lexer and parser errors were reported (each once, see <see cref="ForgetReported"/>).</summary>
    public int ErrorCount => _errors.Count;

    /// <summary>Forgets which syntax errors were reported, so that the next pass reports every one again.</summary>
    public void ForgetReported() => _errors.Forget();

    /// <summary>Like <see cref="Chunks()"/>; with <paramref name="leaveTypesUnparsed"/>, a chunk that begins with
    /// <c>struct</c>, <c>union</c> or <c>typedef</c> is only lexed (<see cref="ParsedChunk.IsUnparsedType"/>): the
    /// model builder's first pass needs no tree of those (issue 16: parsing them twice was a fifth of a union
    /// chain's compile time). Their syntax errors are then not reported by this pass.</summary>
    public IEnumerable<ParsedChunk> Chunks(bool leaveTypesUnparsed)
    {
        var lexer = new RxGenIdlLexer(new StringCharStream(Source.Text));
        lexer.RemoveErrorListeners();
        lexer.AddErrorListener(_errors);
        var source = new ChunkTokenSource(lexer);
        RxGenIdlParser? parser = null;
        while (!source.AtEnd)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            source.NextChunk();
            var tokens = new CommonTokenStream(source);
            if (parser is null) parser = new RxGenIdlParser(tokens) { BuildParseTree = true };
            else parser.TokenStream = tokens;
            if (leaveTypesUnparsed)
            {
                tokens.Fill();
                if (IsTypeDefinition(tokens))
                {
                    yield return new ParsedChunk(System.Array.Empty<RxGenIdlParser.DefinitionContext>(), tokens, isUnparsedType: true);
                    continue;
                }
            }

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
                parser.AddErrorListener(_errors);
                tree = parser.file();
            }
            yield return new ParsedChunk(tree.definition(), tokens);
        }
    }

    private static bool IsTypeDefinition(CommonTokenStream tokens)
    {
        foreach (var token in tokens.GetTokens())
        {
            if (token.Channel != TokenConstants.DefaultChannel) continue;
            return token.Type is RxGenIdlLexer.STRUCT or RxGenIdlLexer.UNION or RxGenIdlLexer.TYPEDEF;
        }

        return false;
    }

    private static readonly int OpenBracket = ChunkTokenSource.TypeOf("'['"), OpenAngle = ChunkTokenSource.TypeOf("'<'");

    /// <summary>
    /// The names used as values in a struct, union or typedef that is syntactically valid, from its tokens alone: in
    /// those definitions a value is one token and stands only after '[' (<c>'[' value ']'</c>), '&lt;'
    /// (<c>'&lt;' value? '&gt;'</c>) or <c>case</c> (<c>CASE value ':'</c>), and it is a name when that token is one
    /// the <c>identifier</c> rule accepts (IDENTIFIER or a contextual keyword).
    /// </summary>
    public static IEnumerable<string> NamesUsedAsValues(CommonTokenStream tokens)
    {
        var previous = 0;
        foreach (var token in tokens.GetTokens())
        {
            if (token.Channel != TokenConstants.DefaultChannel) continue;
            if ((previous == OpenBracket || previous == OpenAngle || previous == RxGenIdlLexer.CASE) && IsIdentifier(token.Type)) yield return token.Text;
            previous = token.Type;
        }
    }

    private static bool IsIdentifier(int type) => type is RxGenIdlLexer.IDENTIFIER
        or RxGenIdlLexer.PACKAGE or RxGenIdlLexer.PREFIX or RxGenIdlLexer.STATINDEX or RxGenIdlLexer.SPECIAL or RxGenIdlLexer.STARTINGOPCODE
        or RxGenIdlLexer.CUSTOMIZED or RxGenIdlLexer.PROC or RxGenIdlLexer.SPLITPREFIX or RxGenIdlLexer.SPLIT or RxGenIdlLexer.MULTI
        or RxGenIdlLexer.IN or RxGenIdlLexer.OUT or RxGenIdlLexer.INOUT or RxGenIdlLexer.PROGRAM or RxGenIdlLexer.VERSION
        or RxGenIdlLexer.HYPER or RxGenIdlLexer.LONG or RxGenIdlLexer.QUADRUPLE;

    /// <summary>The text as ANTLR's character stream, without the copy that <c>AntlrInputStream</c> makes (a
    /// <c>char[]</c> as large as the input).</summary>
    private sealed class StringCharStream : ICharStream
    {
        private readonly string _text;
        private int _index;

        public StringCharStream(string text) => _text = text;

        public int Index => _index;
        public int Size => _text.Length;
        public string SourceName => IntStreamConstants.UnknownSourceName;

        public void Consume()
        {
            if (_index >= _text.Length) throw new System.InvalidOperationException("cannot consume EOF");
            _index++;
        }

        public int LA(int i)
        {
            if (i == 0) return 0;
            var at = i < 0 ? _index + i : _index + i - 1;
            return at < 0 || at >= _text.Length ? IntStreamConstants.EOF : _text[at];
        }

        public int Mark() => -1;
        public void Release(int marker) { }
        public void Seek(int index) => _index = System.Math.Min(System.Math.Max(index, 0), _text.Length);

        public string GetText(Interval interval)
        {
            var start = interval.a;
            var stop = System.Math.Min(interval.b, _text.Length - 1);
            return start > stop || start >= _text.Length ? string.Empty : _text.Substring(start, stop - start + 1);
        }
    }

    /// <summary>The lexer's tokens, cut into chunks: a chunk ends after a ';' at depth 0 (outside braces and
    /// parentheses) and the comments on that ';''s line (they document what precedes them); the next token starts
    /// the next chunk. Each chunk ends with an EOF token of its own.</summary>
    private sealed class ChunkTokenSource : ITokenSource
    {
        /// <summary>The text of the EOF token that ends a chunk before the real end of the file.</summary>
        public const string EndOfDefinition = "<end of definition>";

        private static readonly int Semicolon = TypeOf("';'"), OpenBrace = TypeOf("'{'"), CloseBrace = TypeOf("'}'"), OpenParen = TypeOf("'('"), CloseParen = TypeOf("')'");

        private readonly Lexer _lexer;
        private IToken? _pending;
        private int _depth;
        private int _semicolonLine = -1;
        private bool _chunkDone;

        public ChunkTokenSource(Lexer lexer) => _lexer = lexer;

        public bool AtEnd { get; private set; }

        public static int TypeOf(string literal)
        {
            var vocabulary = RxGenIdlLexer.DefaultVocabulary;
            for (var type = 1; type <= RxGenIdlLexer.UNEXPECTED_CHARACTER; type++)
                if (vocabulary.GetLiteralName(type) == literal) return type;
            throw new System.InvalidOperationException("no token " + literal);
        }

        public void NextChunk()
        {
            _chunkDone = false;
            _semicolonLine = -1;
        }

        public IToken NextToken()
        {
            if (_chunkDone) return EndOfChunk();
            var token = _pending ?? _lexer.NextToken();
            _pending = null;
            if (token.Type == TokenConstants.EOF)
            {
                AtEnd = true;
                _chunkDone = true;
                return token;
            }
            if (_semicolonLine >= 0 && (token.Channel == TokenConstants.DefaultChannel || token.Line != _semicolonLine))
            {
                _pending = token;
                _chunkDone = true;
                return EndOfChunk();
            }
            var type = token.Type;
            if (type == OpenBrace || type == OpenParen) _depth++;
            else if ((type == CloseBrace || type == CloseParen) && _depth > 0) _depth--;
            else if (type == Semicolon && _depth == 0) _semicolonLine = token.Line;
            return token;
        }

        private IToken EndOfChunk()
        {
            var next = _pending;
            var start = next?.StartIndex ?? _lexer.InputStream.Index;
            return _lexer.TokenFactory.Create(System.Tuple.Create((ITokenSource)this, (ICharStream)_lexer.InputStream), TokenConstants.EOF, next is null ? "<EOF>" : EndOfDefinition,
                TokenConstants.DefaultChannel, start, start - 1, next?.Line ?? _lexer.Line, next?.Column ?? _lexer.Column);
        }

        public int Line => _pending?.Line ?? _lexer.Line;
        public int Column => _pending?.Column ?? _lexer.Column;
        public ICharStream InputStream => (ICharStream)_lexer.InputStream;
        public string SourceName => _lexer.SourceName;
        public ITokenFactory TokenFactory { get => _lexer.TokenFactory; set => _lexer.TokenFactory = value; }
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
        {
            if (offendingSymbol is { Type: RxGenIdlLexer.UNEXPECTED_CHARACTER } character)
                Report(DiagnosticDescriptors.IllegalCharacter, line, charPositionInLine, character.Text);
            else if (offendingSymbol is { Type: TokenConstants.EOF } eof && eof.Text != ChunkTokenSource.EndOfDefinition)
                Report(DiagnosticDescriptors.UnexpectedEndOfFile, line, charPositionInLine, Shorten(msg));
            else
                Report(DiagnosticDescriptors.SyntaxError, line, charPositionInLine, Shorten(msg));
        }

        public void SyntaxError(TextWriter output, IRecognizer recognizer, int offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
            => Report(DiagnosticDescriptors.SyntaxError, line, charPositionInLine, msg);

        public int Count { get; private set; }

        public void Forget()
        {
            _seen.Clear();
            Count = 0;
        }

        private void Report(DiagnosticDescriptor descriptor, int line, int column0, string argument)
        {
            if (!_seen.Add((line, column0))) return;
            Count++;
            _diagnostics.Add(descriptor, _source.Map(line, column0 + 1), DisplayText.Escape(argument));
        }

        /// <summary>ANTLR lists every token it could accept; past a handful that is noise, not help.</summary>
        private static string Shorten(string antlrMessage)
        {
            var set = System.Text.RegularExpressions.Regex.Match(antlrMessage, @"expecting \{([^}]*)\}");
            if (set.Success && set.Groups[1].Value.Split(',').Length > 4)
                return antlrMessage.Substring(0, set.Index) + "expecting a definition, declaration or value";
            return antlrMessage;
        }
    }
}
