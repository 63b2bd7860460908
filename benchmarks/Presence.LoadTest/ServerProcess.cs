using System.Globalization;

namespace Presence.LoadTest;

/// <summary>CPU time and resident memory of a local server process, read from /proc.</summary>
internal static class ServerProcess
{
    /// <summary>User and system (kernel) CPU seconds the process has used so far.</summary>
    public static (double User, double System) CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // utime and stime are fields 14 and 15 of the whole line, in clock ticks of 1/100 s.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) / 100.0, long.Parse(fields[12], CultureInfo.InvariantCulture) / 100.0);
    }

    public static double ResidentMegabytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return 0;
    }
}
