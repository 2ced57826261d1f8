#if NETSTANDARD2_0
namespace System.Runtime.CompilerServices
{
    /// <summary>Polyfill that lets netstandard2.0 code use <c>init</c> accessors and positional records.</summary>
    internal static class IsExternalInit
    {
    }
}
#endif
