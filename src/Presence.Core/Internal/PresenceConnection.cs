namespace Presence.Internal;

/// <summary>One client's connection: its transport, its outbox and its participant's current state.</summary>
internal sealed class PresenceConnection : IDisposable
{
    private readonly PresenceEngine _engine;
    private readonly TimeProvider _timeProvider;
    private PresenceUser _user;
    private int _closeStarted;
    private int _persistPending;
    private Task _close = Task.CompletedTask;
    private ITimer? _abortTimer;
    private bool _isMember;

    public PresenceConnection(PresenceEngine engine, IPresenceTransport transport, PresenceUser user, string room, PresenceProtocolVersion version, PresenceOptions options, TimeProvider timeProvider, PresenceMetrics metrics)
    {
        Version = version;
        _engine = engine;
        _timeProvider = timeProvider;
        Transport = transport;
        _user = user;
        Text = new ParticipantText(user);
        RoomName = room;
        Outbox = new Outbox(transport, options.OutboxCapacity, options.SendTimeout, timeProvider, OnOutboxFailure, metrics);
    }

    public string Id => _user.Id;

    public string RoomName { get; }

    public PresenceProtocolVersion Version { get; }

    public IPresenceTransport Transport { get; }

    public Outbox Outbox { get; }

    /// <summary>Gets or sets the room this connection joined; set once the join is done.</summary>
    public PresenceRoom? Room { get; set; }

    /// <summary>Gets the participant as it is now. Only the connection's receive loop changes it.</summary>
    public PresenceUser User => Volatile.Read(ref _user);

    /// <summary>Gets the JSON-escaped id, name and colour of <see cref="User"/>.</summary>
    public ParticipantText Text { get; private set; }

    /// <summary>
    /// Gets or sets a value telling whether the connection is the room's member for its id: set once it joined,
    /// cleared when it leaves or a newer connection with the same id replaces it. Read from other threads.
    /// </summary>
    public bool IsMember
    {
        get => Volatile.Read(ref _isMember);
        set => Volatile.Write(ref _isMember, value);
    }

    /// <summary>Gets why the server closes the connection, once it decided to.</summary>
    public PresenceCloseStatus? CloseStatus { get; private set; }

    public void Update(PresenceUser user, bool textChanged)
    {
        if (textChanged)
        {
            Text = new ParticipantText(user);
        }

        Volatile.Write(ref _user, user);
    }

    /// <summary>Marks the participant for the next throttled write; true when it was not marked yet.</summary>
    public bool TryMarkForPersistence() => Interlocked.Exchange(ref _persistPending, 1) == 0;

    public void ClearPersistenceMark() => Volatile.Write(ref _persistPending, 0);

    public void MarkReplaced()
    {
        IsMember = false;
        BeginClose(PresenceCloseStatus.Replaced);
    }

    /// <summary>
    /// Starts a graceful close, once: stops the outbox, waits for a send in flight, then sends the close.
    /// The receive loop ends when the client answers; <see cref="PresenceOptions.CloseTimeout"/> later it is aborted.
    /// </summary>
    public void BeginClose(PresenceCloseStatus status)
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) != 0)
        {
            return;
        }

        CloseStatus = status;
        _close = _engine.CloseConnectionAsync(this, status);
    }

    /// <summary>Gets the close started by <see cref="BeginClose"/>.</summary>
    public Task Closing => _close;

    public void Abort()
    {
        Interlocked.Exchange(ref _closeStarted, 1);
        _ = Outbox.CompleteAsync();
        Transport.Abort();
    }

    /// <summary>Aborts the connection unless it is disposed first, for a client that does not answer a close.</summary>
    public void AbortAfter(TimeSpan delay)
    {
        var timer = _timeProvider.CreateTimer(static state => ((PresenceConnection)state!).Transport.Abort(), this, delay, Timeout.InfiniteTimeSpan);
        if (Interlocked.CompareExchange(ref _abortTimer, timer, null) is not null)
        {
            timer.Dispose();
        }
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _abortTimer, DisposedTimer.Instance)?.Dispose();
        Outbox.Dispose();
    }

    private void OnOutboxFailure(OutboxFailure failure, Exception? exception)
    {
        _engine.OnOutboxFailure(this, failure, exception);
        Abort();
    }

    private sealed class DisposedTimer : ITimer
    {
        public static readonly DisposedTimer Instance = new();

        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => default;
    }
}
