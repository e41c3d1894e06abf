using System.Net;
using System.Net.Sockets;

namespace Platform.Identity.Infrastructure;

/// <summary>
/// Slows password guessing without handing anyone a way to lock an owner out: attempts that do not succeed are counted
/// per (user name, client address) and per client address, and only those two are ever refused; nothing is counted per
/// account across addresses, so the owner signing in from elsewhere always gets to try, and refresh tokens and codes
/// never pass through here. An attempt is counted as it begins and given back when it succeeds, so guesses sent in
/// parallel cannot all pass the check before the first one is counted.
/// In process memory, per replica (docs/security.md, "Sign-in throttling"): an attacker spread by the load balancer over
/// N replicas gets N times the attempts, which the service accepts rather than a shared store on the sign-in path.
/// </summary>
internal sealed class SignInThrottle(SignInThrottleSettings settings, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly FailureWindows<(string User, string Address)> _pairs = new(settings.MaxTrackedPairs, settings.Window);
    private readonly FailureWindows<string> _addresses = new(settings.MaxTrackedAddresses, settings.Window);

    internal int TrackedPairs
    {
        get
        {
            lock (_gate)
            {
                return _pairs.Tracked;
            }
        }
    }

    internal int TrackedAddresses
    {
        get
        {
            lock (_gate)
            {
                return _addresses.Tracked;
            }
        }
    }

    /// <summary>Counts an attempt for <paramref name="normalizedUser"/> from <paramref name="client"/>, or refuses it with
    /// how long until it may try again (nothing counted then).</summary>
    public bool TryBegin(string normalizedUser, IPAddress? client, out TimeSpan retryAfter)
    {
        var pair = (normalizedUser, AddressKey(client));
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var (pairCount, pairEnds) = _pairs.Read(pair, now);
            var (addressCount, addressEnds) = _addresses.Read(pair.Item2, now);
            var until = DateTimeOffset.MinValue;
            if (pairCount >= settings.FailuresPerUserAndAddress)
            {
                until = pairEnds;
            }

            if (addressCount >= settings.FailuresPerAddress && addressEnds > until)
            {
                until = addressEnds;
            }

            if (until > now)
            {
                retryAfter = until - now;
                return false;
            }

            _pairs.Add(pair, now);
            _addresses.Add(pair.Item2, now);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }

    /// <summary>The attempt succeeded: the pair starts again from nothing, and the address gets its count back.</summary>
    public void Succeeded(string normalizedUser, IPAddress? client)
    {
        var address = AddressKey(client);
        lock (_gate)
        {
            _pairs.Forget((normalizedUser, address));
            _addresses.TakeBack(address);
        }
    }

    /// <summary>
    /// IPv4 as it is (an IPv4-mapped IPv6 address too); IPv6 by its /64, the block one subscriber or one machine usually
    /// gets whole, since counting single IPv6 addresses would give such a caller 2^64 fresh budgets. No address (a test
    /// host) is one key of its own.
    /// </summary>
    internal static string AddressKey(IPAddress? client)
    {
        if (client is null)
        {
            return "none";
        }

        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        if (client.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return client.ToString();
        }

        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
