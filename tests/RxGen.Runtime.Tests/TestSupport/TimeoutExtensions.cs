using System;
using System.Threading.Tasks;

namespace RxGen.Runtime.Tests.TestSupport;

internal static class TimeoutExtensions
{
    /// <summary>How long any single wait in these tests may take before the test fails.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static Task WithTimeout(this Task task) => task.WaitAsync(Limit);

    public static Task<T> WithTimeout<T>(this Task<T> task) => task.WaitAsync(Limit);

    public static Task WithTimeout(this ValueTask task) => task.AsTask().WaitAsync(Limit);

    public static Task<T> WithTimeout<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(Limit);

    /// <summary>Polls <paramref name="condition"/> until it holds or the limit passes.</summary>
    public static async Task Eventually(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for: {what}");
            }

            await Task.Delay(5);
        }
    }
}
