namespace Presence.Internal;

/// <summary>One client's connection: its transport, its outbox, its participant's current state and its life in the roster.</summary>
internal sealed class PresenceConnection : IDisposable
{
    private readonly PresenceEngine _engine;
    private readonly TimeProvider _timeProvider;
    private PresenceUser _user;
    private int _closeStarted;
    private int _persistPending;
    private int _verifyPending;
    private Task _close = Task.CompletedTask;
    private ITimer? _abortTimer;
    private bool _isMember;
    private bool _isFollower;
    private TokenBucket _cursors;
    private TokenBucket _hellos;
    private TokenBucket _states;

    public PresenceConnection(
        PresenceEngine engine,
        IPresenceTransport transport,
        PresenceUser user,
        string room,
        string session,
        PresenceProtocolVersion version,
        PresenceOptions options,
        TimeProvider timeProvider,
        PresenceMetrics metrics)
    {
        Version = version;
        _engine = engine;
        _timeProvider = timeProvider;
        Transport = transport;
        _user = user;
        Text = new ParticipantText(user);
        RoomName = room;
        Session = session;
        Outbox = new Outbox(transport, options.OutboxCapacity, options.SendTimeout, timeProvider, OnOutboxFailure, metrics);
    }

    public string Id => _user.Id;

    public string RoomName { get; }

    /// <summary>Gets the connection's session: how the roster tells its claim of the participant from any other.</summary>
    public string Session { get; }

    public PresenceProtocolVersion Version { get; }

    /// <summary>Gets a value telling whether the participant is a signed-in user, whose departure waits out the grace period.</summary>
    public bool IsAuthenticated { get; init; }

    /// <summary>
    /// Gets how the connection holds its participant in the roster: shared for a signed-in user who may have several
    /// tabs, here or on other instances, which are one participant; exclusive otherwise.
    /// </summary>
    public RosterSessionMode SessionMode { get; init; }

    /// <summary>Gets a value telling whether the participant may have other connections at once (<see cref="SessionMode"/>).</summary>
    public bool IsShared => SessionMode == RosterSessionMode.Shared;

    public IPresenceTransport Transport { get; }

    public Outbox Outbox { get; }

    /// <summary>Gets or sets the room this connection joined; set once, by the join.</summary>
    public PresenceRoom? Room { get; set; }

    /// <summary>
    /// Gets the participant as it is now. The connection's receive loop changes it, and the room API its info, each
    /// under <see cref="UserGate"/>.
    /// </summary>
    public PresenceUser User => Volatile.Read(ref _user);

    /// <summary>Gets the lock under which <see cref="User"/> is read and replaced, so that no change is lost to another.</summary>
    public Lock UserGate { get; } = new();

    /// <summary>Gets the JSON-escaped id, name and colour of <see cref="User"/>.</summary>
    public ParticipantText Text { get; private set; }

    /// <summary>
    /// Gets the gate of the connection's roster life. Whatever the roster must see in order (the claim, writes, the
    /// release) and whatever is announced of the participant is issued under it, after checking <see cref="RosterState"/>:
    /// a connection replaced meanwhile then neither writes nor announces anything.
    /// </summary>
    public Lock Gate { get; } = new();

    /// <summary>Gets or sets where the connection is in its roster life; only under <see cref="Gate"/>.</summary>
    public RosterState RosterState { get; set; }

    /// <summary>
    /// Gets or sets a value telling whether the connection is its room's member for its id: set by the room directory
    /// when it joins, cleared when it leaves or is replaced. Read from other threads.
    /// </summary>
    public bool IsMember
    {
        get => Volatile.Read(ref _isMember);
        set => Volatile.Write(ref _isMember, value);
    }

    /// <summary>
    /// Gets or sets a value telling whether the connection follows the member with its id: a signed-in participant's
    /// further tab here. Set and cleared by the room directory; read from other threads.
    /// </summary>
    public bool IsFollower
    {
        get => Volatile.Read(ref _isFollower);
        set => Volatile.Write(ref _isFollower, value);
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

    /// <summary>
    /// Gets or sets a value telling whether the client's last resume token was signed with this instance's own key,
    /// the shared one not being known then: it gets a snapshot with a shared one once it is.
    /// </summary>
    public bool HasProvisionalToken { get; set; }

    /// <summary>Gets the lock of the connection's rates: its buckets and what it holds back.</summary>
    public Lock RateGate { get; } = new();

    /// <summary>Gets or sets a value telling whether a cursor move waits for a token (under <see cref="RateGate"/>).</summary>
    public bool CursorHeld { get; set; }

    /// <summary>Gets or sets a value telling whether a <c>hello</c> waits for a token (under <see cref="RateGate"/>).</summary>
    public bool HelloHeld { get; set; }

    /// <summary>Gets or sets a value telling whether a state update waits for the tick (under <see cref="RateGate"/>).</summary>
    public bool StateHeld { get; set; }

    /// <summary>Gets or sets a value telling whether the connection is in the engine's queue of held messages (under <see cref="RateGate"/>).</summary>
    public bool HeldQueued { get; set; }

    /// <summary>Gets the cursor bucket (under <see cref="RateGate"/>).</summary>
    public ref TokenBucket Cursors => ref _cursors;

    /// <summary>Gets the hello bucket (under <see cref="RateGate"/>).</summary>
    public ref TokenBucket Hellos => ref _hellos;

    /// <summary>Gets the state bucket (under <see cref="RateGate"/>).</summary>
    public ref TokenBucket States => ref _states;

    /// <summary>Marks the participant for the next throttled write; true when it was not marked yet.</summary>
    public bool TryMarkForPersistence() => Interlocked.Exchange(ref _persistPending, 1) == 0;

    public void ClearPersistenceMark() => Volatile.Write(ref _persistPending, 0);

    /// <summary>Marks an ownership check as under way; true when none was.</summary>
    public bool TryStartVerifying() => Interlocked.Exchange(ref _verifyPending, 1) == 0;

    public void EndVerifying() => Volatile.Write(ref _verifyPending, 0);

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
        AbortTransport();
    }

    /// <summary>Aborts the connection unless it is disposed first, for a client that does not answer a close.</summary>
    public void AbortAfter(TimeSpan delay)
    {
        var timer = _timeProvider.CreateTimer(static state => ((PresenceConnection)state!).AbortTransport(), this, delay, Timeout.InfiniteTimeSpan);
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

    // A transport torn down under it may throw as it is aborted: that stays with this connection.
    private void AbortTransport()
    {
        try
        {
            Transport.Abort();
        }
        catch (Exception ex)
        {
            _engine.OnAbortFailed(this, ex);
        }
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
