using System.Globalization;

namespace OrderBench;

/// <summary>One process from /proc/PID/stat: CPU time in clock ticks, its own plus its reaped children's (so a
/// PostgreSQL backend that exits in the window still counts, through the postmaster).</summary>
public sealed record ProcessTicks(int Pid, int ParentPid, int Session, string Command, long Ticks);

/// <summary>The machine's CPU time (/proc/stat, summed over cores) and every process's, at one instant; and the .NET
/// runtime's own threads (JIT, GC) by thread id, since a process's total does not say what its threads did.</summary>
public sealed record CpuSnapshot(DateTime At, long Busy, long Steal, IReadOnlyDictionary<int, ProcessTicks> Processes, IReadOnlyDictionary<int, ProcessTicks> RuntimeThreads)
{
    /// <summary>Thread names (15 characters, as the kernel keeps them) of the runtime's background work.</summary>
    public static readonly IReadOnlyDictionary<string, string> RuntimeThreadKinds = new Dictionary<string, string>
    {
        [".NET Tiered Com"] = "JIT (tiered compilation)",
        [".NET Server GC"] = "GC",
        [".NET BGC"] = "GC",
    };

    // USER_HZ: the unit of /proc times, 100 on every Linux architecture .NET runs on
    public const double TicksPerSecond = 100;

    public static CpuSnapshot Take()
    {
        var at = DateTime.UtcNow;
        // cpu  user nice system idle iowait irq softirq steal ...
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6];
        var processes = new Dictionary<int, ProcessTicks>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } process)
            {
                processes[pid] = process;
            }
        }

        var runtimeThreads = new Dictionary<int, ProcessTicks>();
        foreach (var process in processes.Values.Where(p => p.Command == "dotnet"))
        {
            foreach (var dir in EnumerateOrNone($"/proc/{process.Pid}/task"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var tid)
                    && Read($"{dir}/stat", tid, withChildren: false) is { } thread && RuntimeThreadKinds.ContainsKey(thread.Command))
                {
                    runtimeThreads[tid] = thread with { ParentPid = process.Pid };
                }
            }
        }

        return new CpuSnapshot(at, busy, cpu[7], processes, runtimeThreads);
    }

    private static IEnumerable<string> EnumerateOrNone(string directory)
    {
        try
        {
            return [.. Directory.EnumerateDirectories(directory)];
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static ProcessTicks? Read(int pid) => Read($"/proc/{pid}/stat", pid, withChildren: true);

    // a thread's cutime/cstime are its whole process's reaped children: only a process counts them
    private static ProcessTicks? Read(string path, int pid, bool withChildren)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null; // exited while we looked
        }

        // "pid (command) state ppid pgrp session ... utime stime cutime cstime": the command may hold spaces and ')'
        var close = stat.LastIndexOf(')');
        var command = stat[(stat.IndexOf('(') + 1)..close];
        var f = stat[(close + 2)..].Split(' ');
        return new ProcessTicks(pid, int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture), command,
            long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)
            + (withChildren ? long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture) : 0));
    }
}

/// <summary>
/// CPU seconds each part of the system used between two snapshots. A process belongs to an instance of the bench host
/// when it is one of the instance's processes, shares its session (every child starts under setsid, and a server's
/// helpers stay in its session) or descends from one (Erlang's helpers start sessions of their own). The rest of the
/// machine (the script, other users' work) is "other", with its busiest commands named.
/// </summary>
public static class CpuAccounting
{
    public static void Print(CpuSnapshot before, CpuSnapshot after, IReadOnlyDictionary<string, int[]> instances, int confirmedOrders)
    {
        var seconds = (after.At - before.At).TotalSeconds;
        var owners = new Dictionary<int, string>();
        foreach (var (instance, pids) in instances)
        {
            foreach (var pid in pids)
            {
                owners[pid] = instance;
            }
        }

        owners[Environment.ProcessId] = "load generator";
        var used = new Dictionary<string, long>();
        var otherCommands = new Dictionary<string, long>();
        foreach (var process in after.Processes.Values)
        {
            var delta = process.Ticks - (before.Processes.TryGetValue(process.Pid, out var earlier) ? earlier.Ticks : 0);
            if (delta <= 0)
            {
                continue;
            }

            var owner = OwnerOf(process, after.Processes, owners);
            used[owner] = used.GetValueOrDefault(owner) + delta;
            if (owner == "other")
            {
                otherCommands[process.Command] = otherCommands.GetValueOrDefault(process.Command) + delta;
            }
        }

        Console.WriteLine($"CPU over the window ({seconds:0.0} s; cores = CPU-seconds per second; ms = CPU-ms per confirmed order):");
        foreach (var (owner, ticks) in used.OrderByDescending(u => u.Value))
        {
            var cpuSeconds = ticks / CpuSnapshot.TicksPerSecond;
            var note = owner == "other" ? $"   ({string.Join(", ", otherCommands.OrderByDescending(c => c.Value).Take(4).Select(c => $"{c.Key} {c.Value / CpuSnapshot.TicksPerSecond / seconds:0.00}"))})" : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {owner,-18} {cpuSeconds / seconds,5:0.00} cores   {cpuSeconds * 1000 / Math.Max(1, confirmedOrders),6:0.00} ms/order{note}"));
        }

        // a runtime thread that ended inside the window takes its time with it: these are lower bounds
        var runtime = after.RuntimeThreads.Values
            .Select(t => (Kind: CpuSnapshot.RuntimeThreadKinds[t.Command], Ticks: t.Ticks - (before.RuntimeThreads.TryGetValue(t.Pid, out var earlier) ? earlier.Ticks : 0)))
            .GroupBy(t => t.Kind)
            .Select(g => $"{g.Key} ≥ {g.Sum(t => t.Ticks) / CpuSnapshot.TicksPerSecond / seconds:0.00} cores");
        Console.WriteLine($"  of which the .NET processes' runtime threads: {string.Join(", ", runtime)}");
        var busy = (after.Busy - before.Busy) / CpuSnapshot.TicksPerSecond / seconds;
        var steal = (after.Steal - before.Steal) / CpuSnapshot.TicksPerSecond / seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  machine busy {busy:0.00} of {Environment.ProcessorCount} cores, stolen by the hypervisor {steal:0.00}"));
    }

    private static string OwnerOf(ProcessTicks process, IReadOnlyDictionary<int, ProcessTicks> all, Dictionary<int, string> owners)
    {
        for (var current = process; current is not null; current = all.GetValueOrDefault(current.ParentPid))
        {
            if (owners.TryGetValue(current.Pid, out var owner) || owners.TryGetValue(current.Session, out owner))
            {
                return owner;
            }

            if (current.ParentPid <= 1)
            {
                break;
            }
        }

        return "other";
    }
}
