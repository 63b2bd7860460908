namespace Presence.Testing.ScaleOut;

/// <summary>A fleet of engines in one process, sharing an <see cref="InProcessFleet"/>, reached over stream transports.</summary>
public sealed class InProcessScaleOutFleet : ScaleOutFleet
{
    private readonly InProcessFleet _fleet;
    private readonly List<(EngineHost Host, InProcessFleet.Instance Instance)> _instances = [];

    public InProcessScaleOutFleet(int instances)
    {
        _fleet = new InProcessFleet(trace: Note);
        for (var i = 0; i < instances; i++)
        {
            var instance = _fleet.AddInstance();
            _instances.Add((new EngineHost(instance, TestOptions(), backplane: instance, loggerFactory: new TraceLoggerFactory(this, i)), instance));
        }
    }

    public override int InstanceCount => _instances.Count;

    public override Task<PresenceTestClient> ConnectAsync(int instance, string id, string name, string color, string? room, PresenceProtocolVersion version) =>
        Task.FromResult<PresenceTestClient>(_instances[instance].Host.Connect(id, name, color, room, version));

    public override bool CanSignIn => true;

    public override Task<PresenceTestClient> ConnectSignedInAsync(int instance, string userId, string? room, PresenceProtocolVersion version) =>
        Task.FromResult<PresenceTestClient>(_instances[instance].Host.Connect(userId, userId, "#123456", room, version, signedIn: true));

    public override IPresenceRooms Rooms(int instance) => _instances[instance].Host.Engine;

    public override Task<int> SubscriptionCountAsync(string? room)
    {
        PresenceRules.TryCleanRoom(room, out var name);
        return Task.FromResult(_instances.Sum(i => i.Instance.SubscribedRooms.Count(r => r == name)));
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var (host, _) in _instances)
        {
            await host.DisposeAsync();
        }
    }
}

/// <summary>The engines' logs, in the fleet's trace.</summary>
internal sealed class TraceLoggerFactory(ScaleOutFleet fleet, int instance) : Microsoft.Extensions.Logging.ILoggerFactory
{
    public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider)
    {
    }

    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(fleet, instance);

    public void Dispose()
    {
    }

    private sealed class Logger(ScaleOutFleet fleet, int instance) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            fleet.Note($"instance {instance} logs: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception.GetType().Name)}");
    }
}

/// <summary>
/// An instance's logs in a fleet's trace, for fleets of Kestrel instances; the fleet is attached once it exists, and
/// what is logged before goes nowhere.
/// </summary>
public sealed class TraceLoggerProvider(int instance) : Microsoft.Extensions.Logging.ILoggerProvider
{
    private ScaleOutFleet? _fleet;

    public void Attach(ScaleOutFleet fleet) => Volatile.Write(ref _fleet, fleet);

    // The library's own logs: the host's (requests, Kestrel) would drown them.
    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("Presence", StringComparison.Ordinal) ? new Logger(this, instance) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Logger(TraceLoggerProvider provider, int instance) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Debug;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Volatile.Read(ref provider._fleet)?.Note($"instance {instance} logs: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception.GetType().Name)}");
    }
}
