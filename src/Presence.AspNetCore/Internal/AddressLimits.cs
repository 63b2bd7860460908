using System.Net;
using System.Threading.RateLimiting;

namespace Presence.AspNetCore.Internal;

/// <summary>
/// The per-address caps of upgrades: how many connections one client address holds open, and how fast it opens
/// them. Each address has its own limiters, made when it first connects and dropped once idle by the partitioned
/// limiter, which also refills the buckets on one timer for all of them.
/// </summary>
internal sealed class AddressLimits : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress>? _open;
    private readonly PartitionedRateLimiter<IPAddress>? _rate;
    private readonly bool _exemptLoopback;

    public AddressLimits(PresenceWebSocketOptions options)
    {
        _exemptLoopback = options.ExemptLoopback;
        if (options.MaxConnectionsPerAddress > 0)
        {
            var limit = new ConcurrencyLimiterOptions { PermitLimit = options.MaxConnectionsPerAddress, QueueLimit = 0 };
            _open = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetConcurrencyLimiter(address, _ => limit));
        }

        if (options.ConnectionsPerSecondPerAddress > 0)
        {
            var bucket = new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.ConnectionBurstPerAddress,
                TokensPerPeriod = options.ConnectionsPerSecondPerAddress,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = false,
            };
            _rate = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => bucket));
        }
    }

    /// <summary>
    /// Admits one connection from <paramref name="address"/>, or says why not. The lease is held for the connection's
    /// life: disposing it frees its place.
    /// </summary>
    public AddressAdmission Admit(IPAddress? address)
    {
        if (address is null || (_exemptLoopback && IPAddress.IsLoopback(address)))
        {
            return AddressAdmission.Unlimited;
        }

        // IPv4 clients of a dual-stack socket show as ::ffff:a.b.c.d: one client, one partition.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (_rate is not null)
        {
            using var token = _rate.AttemptAcquire(address);
            if (!token.IsAcquired)
            {
                var retryAfter = token.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                return new AddressAdmission(null, AddressRefusal.TooFast, retryAfter);
            }
        }

        if (_open is null)
        {
            return AddressAdmission.Unlimited;
        }

        var lease = _open.AttemptAcquire(address);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            return new AddressAdmission(null, AddressRefusal.TooMany, TimeSpan.Zero);
        }

        return new AddressAdmission(lease, AddressRefusal.None, TimeSpan.Zero);
    }

    public void Dispose()
    {
        _open?.Dispose();
        _rate?.Dispose();
    }
}

/// <summary>Why an address was refused a connection.</summary>
internal enum AddressRefusal
{
    None,
    TooFast,
    TooMany,
}

/// <summary>What <see cref="AddressLimits.Admit"/> decided: a lease to hold while the connection lives, or a refusal.</summary>
internal readonly record struct AddressAdmission(RateLimitLease? Lease, AddressRefusal Refusal, TimeSpan RetryAfter)
{
    public static AddressAdmission Unlimited => default;
}
