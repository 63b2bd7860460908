using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace Presence.Redis;

/// <summary>Settings of the Redis store, bound from the configuration section <c>Presence:Redis</c>.</summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The Range attributes are read by the source-generated validator alone, which compiles them into a trim-safe copy: no TypeConverter is looked up at run time.")]
public sealed class RedisPresenceOptions
{
    /// <summary>
    /// Gets or sets where Redis is: a URL in the form <c>redis://[user:password@]host:port[/db]</c> (or
    /// <c>rediss://</c> for TLS), as <c>REDIS_URL</c> holds it, or a StackExchange.Redis configuration string
    /// such as <c>localhost:6379,password=…</c>. Several hosts, or a cluster's nodes, go in the latter form.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets a factory that creates the connection instead of <see cref="ConnectionString"/>, for
    /// applications that share one multiplexer or configure it themselves. It receives the options parsed from
    /// <see cref="ConnectionString"/>, when there is one.
    /// </summary>
    public Func<ConfigurationOptions?, Task<IConnectionMultiplexer>>? ConnectionFactory { get; set; }

    /// <summary>Gets or sets the prefix of every key and channel.</summary>
    /// <value><c>collab:presence</c>, the seed's, so that the seed's own backend and Presence share one fleet.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9:_.-]{1,64}$")]
    public string KeyPrefix { get; set; } = "collab:presence";

    /// <summary>Gets or sets how long after its last write a participant is left out of snapshots. Keys expire after four times this.</summary>
    /// <value>120 seconds, as in the seed.</value>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Gets or sets the deadline of crash cleanup: when an instance dies without a word, the others remove its
    /// participants and announce their departure within this time. Heartbeats run at a fifth of it.
    /// </summary>
    /// <value>10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CrashCleanupTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets a value telling whether rooms use sharded pub/sub (<c>SSUBSCRIBE</c>/<c>SPUBLISH</c>, Redis 7),
    /// which keeps a room's traffic on the cluster node that owns it. The default room in the seed's layout (a single
    /// server with <see cref="SeedCompatibility"/>) keeps classic pub/sub, which the seed's backend speaks.
    /// </summary>
    /// <value><see langword="false"/>.</value>
    public bool UseShardedPubSub { get; set; }

    /// <summary>
    /// Gets or sets a value telling whether the default room keeps the seed's layout: its key and channel names, and
    /// its events published one by one as v1 messages, which is what the seed's FastAPI backend reads and writes, so
    /// that both can share a Redis during a migration. It has no effect on a cluster, where the seed's names would put
    /// one room's keys on different nodes: there the default room is named and batched like any other room.
    /// </summary>
    /// <value><see langword="true"/>. Turn it off once no instance of the seed's backend shares the Redis: the default
    /// room then publishes one batch per tick, like every other room.</value>
    public bool SeedCompatibility { get; set; } = true;
}
