namespace Presence.Testing.ScaleOut;

/// <summary>
/// Several server instances that share rooms, as behind a load balancer: in one process over
/// <see cref="InProcessFleet"/>, or as real Kestrel instances on Redis. The scale-out suites run against each.
/// </summary>
public abstract class ScaleOutFleet : IAsyncDisposable
{
    /// <summary>The settings every instance of a fleet runs with: short intervals, so that the suites run fast.</summary>
    public static PresenceOptions TestOptions() => new()
    {
        TickInterval = TimeSpan.FromMilliseconds(10),
        CursorPersistInterval = TimeSpan.FromMilliseconds(50),
        ResyncDelay = TimeSpan.FromMilliseconds(200),
        DepartureGracePeriod = DepartureGrace,
        MaxConnectionsPerParticipant = 4,
    };

    /// <summary>The grace period of signed-in participants: long enough for a reconnect on a slow machine, short enough to wait out.</summary>
    public static readonly TimeSpan DepartureGrace = TimeSpan.FromSeconds(3);

    private readonly List<string> _trace = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Adds a line to the fleet's trace: what the test did, and what the instances did, in one order.</summary>
    public void Note(string line)
    {
        lock (_trace)
        {
            _trace.Add($"{_clock.Elapsed.TotalMilliseconds,10:F3} ms  {line}");
        }
    }

    /// <summary>Gets the trace's last lines.</summary>
    public string TraceTail(int lines = 150)
    {
        lock (_trace)
        {
            return string.Join("\n", _trace.TakeLast(lines));
        }
    }

    /// <summary>Gets how many instances the fleet has.</summary>
    public abstract int InstanceCount { get; }

    /// <summary>Gets a value telling whether <see cref="KillAndRestartAsync"/> can kill an instance.</summary>
    public virtual bool CanKill => false;

    /// <summary>Gets a value telling whether <see cref="RestartStoreAsync"/> can restart the shared store.</summary>
    public virtual bool CanRestartStore => false;

    /// <summary>Kills an instance without a word (its clients' sockets break), then starts it again.</summary>
    public virtual Task KillAndRestartAsync(int instance) => throw new NotSupportedException();

    /// <summary>
    /// Gets how long ago the shared store was last restarted, by this fleet or another sharing it; <see langword="null"/>
    /// when it never was.
    /// </summary>
    public virtual TimeSpan? SinceStoreRestart => null;

    /// <summary>Restarts the shared store, empty, as after a crash of Redis.</summary>
    public virtual Task RestartStoreAsync() => throw new NotSupportedException();

    /// <summary>Connects a client to one instance; the caller waits for its snapshot.</summary>
    public abstract Task<PresenceTestClient> ConnectAsync(int instance, string id, string name, string color, string? room, PresenceProtocolVersion version);

    /// <summary>Connects a signed-in user to one instance, its id the user's; the caller waits for its snapshot.</summary>
    public virtual Task<PresenceTestClient> ConnectSignedInAsync(int instance, string userId, string? room, PresenceProtocolVersion version) =>
        throw new NotSupportedException();

    /// <summary>Gets a value telling whether <see cref="ConnectSignedInAsync"/> can sign a user in.</summary>
    public virtual bool CanSignIn => false;

    /// <summary>Gets how long after an instance died its participants are cleaned up, at most.</summary>
    public virtual TimeSpan CrashCleanup => TimeSpan.FromSeconds(10);

    /// <summary>Gets a value telling whether <see cref="Rooms"/> gives the room API of each instance.</summary>
    public virtual bool HasRoomApi => true;

    /// <summary>Gets the room API of one instance, as application code there injects it; a fleet of processes has none at hand.</summary>
    public virtual IPresenceRooms Rooms(int instance) => throw new NotSupportedException();

    /// <summary>Gets how many subscriptions to a room's events exist, summed over every instance.</summary>
    public abstract Task<int> SubscriptionCountAsync(string? room);

    public abstract ValueTask DisposeAsync();

    /// <summary>Sets the protocol options of one instance: the same for all of them here.</summary>
    protected static void Configure(PresenceOptions options)
    {
        var test = TestOptions();
        options.TickInterval = test.TickInterval;
        options.CursorPersistInterval = test.CursorPersistInterval;
        options.ResyncDelay = test.ResyncDelay;
        options.DepartureGracePeriod = test.DepartureGracePeriod;
        options.MaxConnectionsPerParticipant = test.MaxConnectionsPerParticipant;

        // The sequences restart their Redis at any moment, far more often than any deployment, which can split the
        // secret the instances share through it: the fleet configures one, as docs/security.md advises.
        options.ResumeSecret = FleetSecret;
    }

    private static readonly string FleetSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
