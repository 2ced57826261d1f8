namespace RxGen.Compiler.Preprocessing;

/// <summary>
/// Supplies the text of files named by <c>#include</c>. The host answers: the CLI reads the file system, the source
/// generator looks the path up among its AdditionalFiles. The preprocessor itself never touches the disk.
/// </summary>
public interface ISourceProvider
{
    /// <summary>Returns the text of <paramref name="path"/> (a '/'-separated path with '.' and '..' already resolved),
    /// or false if there is no such file.</summary>
    bool TryGetText(string path, out string text);
}
