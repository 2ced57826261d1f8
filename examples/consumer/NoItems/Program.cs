namespace Consumer;

/// <summary>The consumer without RxGen items (benchmark baseline only).</summary>
public static class Program
{
    public static int Main() => 0;
}
