namespace Platform.EndToEnd.Tests;

internal static class ProcessProbe
{
    /// <summary>Alive means running: a zombie (exited, not yet reaped by its new parent) does not count.</summary>
    public static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static async Task<bool> WaitUntilAllExitedAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (!pids.Any(IsAlive))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return !pids.Any(IsAlive);
    }
}
