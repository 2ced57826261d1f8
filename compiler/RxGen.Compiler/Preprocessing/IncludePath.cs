using System.Collections.Generic;
using System.Text;

namespace RxGen.Compiler.Preprocessing;

/// <summary>Purely textual path handling for include resolution: no file system, '/' as the separator.</summary>
internal static class IncludePath
{
    public static bool IsAbsolute(string path) =>
        (path.Length > 0 && (path[0] == '/' || path[0] == '\\'))
        || (path.Length >= 3 && IsDriveLetter(path[0]) && path[1] == ':' && (path[2] == '/' || path[2] == '\\'));

    /// <summary>The directory part of a normalized path ("" for a bare file name).</summary>
    public static string DirectoryOf(string normalizedPath)
    {
        int slash = normalizedPath.LastIndexOf('/');
        if (slash < 0)
        {
            return string.Empty;
        }

        return normalizedPath.Substring(0, slash + 1);
    }

    public static string Join(string directory, string name)
    {
        if (directory.Length == 0)
        {
            return name;
        }

        char last = directory[directory.Length - 1];
        return last == '/' || last == '\\' ? directory + name : directory + "/" + name;
    }

    /// <summary>Uses '/' as the separator and resolves "." and ".." segments ("a/./b/../c" is "a/c"; a ".." above the
    /// root of an absolute path is dropped, above a relative path it is kept).</summary>
    public static string Normalize(string path)
    {
        string prefix = string.Empty;
        int i = 0;
        bool rooted = false;
        if (path.Length >= 2 && IsSeparator(path[0]) && IsSeparator(path[1]))
        {
            prefix = "//";
            i = 2;
            rooted = true;
        }
        else if (path.Length >= 1 && IsSeparator(path[0]))
        {
            prefix = "/";
            i = 1;
            rooted = true;
        }
        else if (path.Length >= 2 && IsDriveLetter(path[0]) && path[1] == ':')
        {
            i = 2;
            if (path.Length >= 3 && IsSeparator(path[2]))
            {
                prefix = path.Substring(0, 2) + "/";
                i = 3;
                rooted = true;
            }
            else
            {
                prefix = path.Substring(0, 2);
            }
        }

        var segments = new List<string>();
        int start = i;
        for (int k = i; k <= path.Length; k++)
        {
            if (k < path.Length && !IsSeparator(path[k]))
            {
                continue;
            }

            string segment = path.Substring(start, k - start);
            start = k + 1;
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0 && segments[segments.Count - 1] != "..")
                {
                    segments.RemoveAt(segments.Count - 1);
                }
                else if (!rooted)
                {
                    segments.Add(segment);
                }

                continue;
            }

            segments.Add(segment);
        }

        var sb = new StringBuilder(prefix);
        for (int k = 0; k < segments.Count; k++)
        {
            if (k > 0)
            {
                sb.Append('/');
            }

            sb.Append(segments[k]);
        }

        return sb.Length == 0 ? "." : sb.ToString();
    }

    private static bool IsSeparator(char c) => c == '/' || c == '\\';

    private static bool IsDriveLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
