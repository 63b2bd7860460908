using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Presence.Testing.ScaleOut;

/// <summary>
/// One randomized, replayable run against a fleet: people join, move, rename, set their state, leave, drop, and
/// reconnect to another instance while their old socket is still open, and application code kicks them or sets their
/// info from any instance, in an order drawn from a seed. Where the fleet signs users in, signed-in users also open
/// and close tabs on any instance, each tab speaking for the one participant, which leaves its grace period after its
/// last tab. A model says who must be in each room, with what name, colour, position, state and info; at checkpoints
/// every client's view must converge on it, a newcomer must get a snapshot of it, and the instances must subscribe to
/// exactly the rooms they have members in.
/// </summary>
/// <remarks>A failure names its seed and the steps taken, and <c>PRESENCE_SCALEOUT_SEED</c> runs that seed alone.</remarks>
public sealed class ScaleOutSequence
{
    /// <summary>The rooms people use; <see langword="null"/> is the default room.</summary>
    public static readonly string?[] Rooms = [null, "alpha", "beta"];

    private static readonly string[] Names = ["Ann", "Bo", "Cy", "Dee"];
    private static readonly string[] Colors = ["#336699", "#ff0000", "#00aa00", "#aa00aa"];

    private readonly ScaleOutFleet _fleet;
    private readonly Random _random;
    private readonly int _steps;
    private readonly Person[] _people;
    private readonly List<PresenceTestClient> _stale = [];
    private readonly List<PresenceTestClient> _kicked = [];
    private readonly StringBuilder _log = new();
    private int _probes;
    private long _lastMove;
    private int _checks;

    public ScaleOutSequence(ScaleOutFleet fleet, int seed, int people = 5, int steps = 30, int signedIn = 2)
    {
        _fleet = fleet;
        Seed = seed;
        _random = new Random(seed);
        _steps = steps;
        _people = [.. Enumerable.Range(0, people).Select(i => new Person("p" + i.ToString(CultureInfo.InvariantCulture)))];
        _users = fleet.CanSignIn ? [.. Enumerable.Range(0, signedIn).Select(i => new User("u" + i.ToString(CultureInfo.InvariantCulture)))] : [];
    }

    private readonly User[] _users;

    public int Seed { get; }

    /// <summary>Gets or sets how long a newcomer may wait for its snapshot: generous in CI, 1 s in the soak.</summary>
    public TimeSpan SnapshotTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets how many steps were taken, and how many invariant checks held.</summary>
    public (int Steps, int Checks) Counts => (_steps, _checks);

    /// <summary>Gets the longest a newcomer waited for its snapshot.</summary>
    public TimeSpan LongestSnapshotWait { get; private set; }

    /// <summary>Runs the sequence; throws, naming the seed and the steps, when an invariant does not hold.</summary>
    public async Task RunAsync()
    {
        // Each sequence's people are its own: no token of another sequence (or fleet) speaks for them.
        ResumeTokenJar.BeginScope();
        try
        {
            for (var step = 0; step < _steps; step++)
            {
                await StepAsync();

                // Events carry millisecond stamps, and an instance tells events of a participant from before its
                // departure by them (docs/architecture.md): steps come at least that far apart, as people's do.
                await Task.Delay(2);
            }

            await CheckpointAsync();
            await EndAsync();
        }
        catch (Exception ex)
        {
            throw new ScaleOutViolationException($"Seed {Seed} (PRESENCE_SCALEOUT_SEED={Seed} replays it) failed: {ex.Message}\nSteps:\n{_log}\nTrace:\n{_fleet.TraceTail()}", ex);
        }
        finally
        {
            foreach (var client in _people.Select(p => p.Client).OfType<PresenceTestClient>().Concat(_users.SelectMany(u => u.Tabs).Select(t => t.Client)).Concat(_stale).Concat(_kicked))
            {
                await client.DisposeAsync();
            }
        }
    }

    private async Task StepAsync()
    {
        // A fifth of the steps are a signed-in user's, while the store is settled: during an outage a new tab cannot
        // know its participant, and a change in one tab cannot reach the others (docs/identity.md).
        if (_users.Length > 0 && _random.Next(5) == 0 && StoreSettled)
        {
            await UserStepAsync(Pick(_users));
            return;
        }

        var roll = _random.Next(100);
        var online = _people.Where(p => p.Client is not null).ToArray();
        var offline = _people.Where(p => p.Client is null).ToArray();
        if (online.Length == 0 || (roll < 25 && offline.Length > 0))
        {
            await JoinAsync(Pick(offline), _random.Next(_fleet.InstanceCount), Rooms[_random.Next(Rooms.Length)]);
        }
        else if (roll < 45)
        {
            await MoveAsync(Pick(online));
        }
        else if (roll < 50)
        {
            await SetStateAsync(Pick(online));
        }
        else if (roll < 60)
        {
            await HelloAsync(Pick(online));
        }
        else if (roll < 68)
        {
            await LeaveAsync(Pick(online), graceful: true);
        }
        else if (roll < 74)
        {
            await LeaveAsync(Pick(online), graceful: false);
        }
        else if (roll < 84 || !_fleet.HasRoomApi || !StoreSettled)
        {
            await ReconnectAsync(Pick(online));
        }
        else if (roll < 86)
        {
            await KickAsync(Pick(online));
        }
        else if (roll < 88)
        {
            await SetInfoAsync(Pick(online));
        }
        else if (roll < 94 && _stale.Count > 0)
        {
            await CloseStaleAsync(_stale[_random.Next(_stale.Count)]);
        }
        else if (roll < 96 && _fleet.CanKill)
        {
            await KillAsync(_random.Next(_fleet.InstanceCount));
        }
        else if (roll < 98 && _fleet.CanRestartStore)
        {
            Log("restart the store");
            await _fleet.RestartStoreAsync();
        }
        else
        {
            await CheckpointAsync();
        }
    }

    private async Task UserStepAsync(User user)
    {
        var roll = _random.Next(100);
        if (user.Tabs.Count == 0 || (roll < 25 && user.Tabs.Count < 3))
        {
            await OpenTabAsync(user, _random.Next(_fleet.InstanceCount));
        }
        else if (roll < 45)
        {
            var position = (Math.Round(_random.NextDouble(), 3), Math.Round(_random.NextDouble(), 3));
            var (client, instance) = await ActInAsync(user);
            Log($"move {user.Id} to {position} in its tab at {instance}");
            await client.SendCursorAsync(position.Item1, position.Item2);
            user.Fields.Position = position;
            _lastMove = System.Diagnostics.Stopwatch.GetTimestamp();
        }
        else if (roll < 55)
        {
            var (client, instance) = await ActInAsync(user);
            var status = _random.Next(4) == 0 ? "null" : _random.Next(100).ToString(CultureInfo.InvariantCulture);
            Log($"state {user.Id} set status {status} in its tab at {instance}");
            await client.SendTextAsync($$$"""{"type":"state","set":{"status":{{{status}}}}}""");
            user.Fields.State = status == "null" ? null : $$"""{"status":{{status}}}""";
        }
        else if (roll < 62)
        {
            var (client, instance) = await ActInAsync(user);
            var (name, color) = (Pick(Names), Pick(Colors));
            Log($"hello {user.Id} as {name}/{color} in its tab at {instance}");
            await client.SendHelloAsync(name, color);
            (user.Fields.Name, user.Fields.Color) = (name, color);
        }
        else if (roll < 82)
        {
            await CloseTabAsync(user, Pick(user.Tabs), graceful: _random.Next(2) == 0);
        }
        else if (roll < 88 && _fleet.HasRoomApi)
        {
            var instance = _random.Next(_fleet.InstanceCount);
            Log($"kick {user.Id} from {instance}");
            PresenceRules.TryCleanRoom(user.Room, out var room);
            await _fleet.Rooms(instance).KickAsync(room!, user.Id);
            _kicked.AddRange(user.Tabs.Select(t => t.Client));
            user.Tabs.Clear();
            user.SettlesAt = 0;

            // Gone at once everywhere, not a tab later: until then, a new tab would join what is left of it.
            for (var i = 0; i < _fleet.InstanceCount; i++)
            {
                var rooms = _fleet.Rooms(i);
                await Eventually.HoldsAsync(async () => (await rooms.GetParticipantsAsync(room!)).All(u => u.Id != user.Id));
            }
        }
        else if (roll < 92 && _fleet.HasRoomApi)
        {
            await ActInAsync(user, app: true);
            var instance = _random.Next(_fleet.InstanceCount);
            var info = _random.Next(4) == 0 ? null : $$"""{"role":{{_random.Next(10)}}}""";
            Log($"info {user.Id} from {instance}: {info ?? "none"}");
            PresenceRules.TryCleanRoom(user.Room, out var room);
            await _fleet.Rooms(instance).SetInfoAsync(room!, user.Id, info is null ? null : PresenceState.Parse(info));
            user.Fields.Info = info;
        }
        else
        {
            await OpenTabAsync(user, _random.Next(_fleet.InstanceCount));
        }
    }

    // One person acts in one tab at a time: moving to a tab on another instance takes longer than a change takes to
    // reach it (a tick and a round trip through the store). Changes in two instances' tabs closer together than that
    // may be resolved to either (docs/identity.md), which no person can do.
    // The app's changes (info) come from every instance that has a tab: they wait as long after the person's last.
    private async Task<(PresenceTestClient Client, int Instance)> ActInAsync(User user, bool app = false)
    {
        var tab = Pick(user.Tabs);
        var instance = app ? -1 : tab.Instance;
        var since = System.Diagnostics.Stopwatch.GetElapsedTime(user.LastActed);
        if (instance != user.LastInstance && since < TabSwitch)
        {
            await Task.Delay(TabSwitch - since);
        }

        (user.LastInstance, user.LastActed) = (instance, System.Diagnostics.Stopwatch.GetTimestamp());
        return tab;
    }

    private static readonly TimeSpan TabSwitch = TimeSpan.FromMilliseconds(250);

    // A tab of a present user joins the participant as it is; the first tab after the user left starts it afresh. A
    // departure in its grace period is either, depending on the moment: the model waits until it is settled.
    private async Task OpenTabAsync(User user, int instance)
    {
        if (user.Tabs.Count >= 3)
        {
            return;
        }

        await SettleUserAsync(user);
        var version = RandomVersion();
        var fresh = user.Tabs.Count == 0;
        var room = fresh ? Rooms[_random.Next(Rooms.Length)] : user.Room;
        Log($"open a tab of {user.Id} at {instance} in {RoomName(room)} ({version}){(fresh ? ", a new participant" : string.Empty)}");
        await SettlePositionsAsync();
        var client = await _fleet.ConnectSignedInAsync(instance, user.Id, room, version);
        await client.WaitForAsync<SnapshotMessage>();
        user.Tabs.Add((client, instance));
        if (fresh)
        {
            // Signed in, its name is its id; its colour is the endpoint's to choose, and not checked until it says one.
            user.Room = room;
            user.Fields = new Person(user.Id) { Name = user.Id, Color = null };
        }
    }

    private async Task CloseTabAsync(User user, (PresenceTestClient Client, int Instance) tab, bool graceful)
    {
        Log($"{(graceful ? "close" : "drop")} the tab of {user.Id} at {tab.Instance}");
        user.Tabs.Remove(tab);
        if (graceful)
        {
            await tab.Client.CloseQuietlyAsync();
        }

        await tab.Client.DisposeAsync();
        if (user.Tabs.Count == 0)
        {
            // Gone once its grace is over, give or take a maintenance pass: the model waits out the uncertain moment.
            user.SettlesAt = Deadline(ScaleOutFleet.DepartureGrace + UserSettleMargin);
        }
    }

    private static readonly TimeSpan UserSettleMargin = TimeSpan.FromSeconds(1.5);

    private static long Deadline(TimeSpan after) =>
        System.Diagnostics.Stopwatch.GetTimestamp() + (long)(after.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);

    // Until the departure after its last tab is settled, a user may still be there or gone: the model waits for it
    // before it opens a tab or checks a view.
    private static async Task SettleUserAsync(User user)
    {
        if (user.SettlesAt == 0 || user.Tabs.Count > 0)
        {
            return;
        }

        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (user.SettlesAt > now)
        {
            await Task.Delay(System.Diagnostics.Stopwatch.GetElapsedTime(now, user.SettlesAt));
        }

        user.SettlesAt = 0;
    }

    private async Task JoinAsync(Person person, int instance, string? room)
    {
        var version = RandomVersion();
        Log($"join {person.Id} at {instance} in {RoomName(room)} ({version}) as {person.Name}/{person.Color}");
        await SettlePositionsAsync();
        var client = await _fleet.ConnectAsync(instance, person.Id, person.Name!, person.Color!, room, version);
        await client.WaitForAsync<SnapshotMessage>();
        (person.Client, person.Instance, person.Room, person.Position) = (client, instance, room, null);
        (person.State, person.Info) = (null, null);
    }

    private async Task MoveAsync(Person person)
    {
        var position = (Math.Round(_random.NextDouble(), 3), Math.Round(_random.NextDouble(), 3));
        Log($"move {person.Id} to {position}");
        await person.Client!.SendCursorAsync(position.Item1, position.Item2);
        person.Position = position;
        _lastMove = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    private async Task HelloAsync(Person person)
    {
        var (name, color) = (Pick(Names), Pick(Colors));
        Log($"hello {person.Id} as {name}/{color}");
        await person.Client!.SendHelloAsync(name, color);
        (person.Name, person.Color) = (name, color);
    }

    private static readonly string[] StateKeys = ["status", "sel"];

    // A partial update (a null removes its key) or a whole replacement. The model keeps keys in the order first set,
    // as the server does, and compares the JSON.
    private async Task SetStateAsync(Person person)
    {
        var replace = _random.Next(4) == 0;
        var changes = StateKeys.Where(_ => _random.Next(2) == 0).Select(k => (Key: k, Value: _random.Next(4) == 0 && !replace ? (int?)null : _random.Next(100))).ToList();
        var json = "{" + string.Join(",", changes.Select(c => $"\"{c.Key}\":{c.Value?.ToString(CultureInfo.InvariantCulture) ?? "null"}")) + "}";
        Log($"state {person.Id} {(replace ? "replace" : "set")} {json}");
        await person.Client!.SendTextAsync($$"""{"type":"state","{{(replace ? "replace" : "set")}}":{{json}}}""");

        var model = replace || person.State is null
            ? []
            : PresenceState.Parse(person.State).RootElement.EnumerateObject().Select(p => (Key: p.Name, Value: (int?)p.Value.GetInt32())).ToList();
        foreach (var (key, value) in changes)
        {
            var index = model.FindIndex(m => m.Key == key);
            if (value is null)
            {
                model.RemoveAll(m => m.Key == key);
            }
            else if (index >= 0)
            {
                model[index] = (key, value);
            }
            else
            {
                model.Add((key, value));
            }
        }

        person.State = model.Count == 0 ? null : "{" + string.Join(",", model.Select(m => $"\"{m.Key}\":{m.Value}")) + "}";
    }

    // While the store is away, and until every instance has come back to it, the room API reaches only the instance it
    // is called on (docs/protocol.md): the model asks nothing of it then. Another sequence may restart a store this
    // one shares; instances take up to a few seconds to reconnect.
    private bool StoreSettled => _fleet.SinceStoreRestart is not { } since || since > TimeSpan.FromSeconds(8);

    // Application code on any instance removes the person: every connection of theirs closes, and everyone hears it.
    private async Task KickAsync(Person person)
    {
        var instance = _random.Next(_fleet.InstanceCount);
        Log($"kick {person.Id} from {instance}");
        PresenceRules.TryCleanRoom(person.Room, out var room);
        await _fleet.Rooms(instance).KickAsync(room!, person.Id);
        _kicked.Add(person.Client!);
        person.Client = null;
    }

    private async Task SetInfoAsync(Person person)
    {
        var instance = _random.Next(_fleet.InstanceCount);
        var info = _random.Next(4) == 0 ? null : $$"""{"role":{{_random.Next(10)}}}""";
        Log($"info {person.Id} from {instance}: {info ?? "none"}");
        PresenceRules.TryCleanRoom(person.Room, out var room);
        await _fleet.Rooms(instance).SetInfoAsync(room!, person.Id, info is null ? null : PresenceState.Parse(info));
        person.Info = info;
    }

    private async Task LeaveAsync(Person person, bool graceful)
    {
        Log($"{(graceful ? "leave" : "drop")} {person.Id}");
        var client = person.Client!;
        person.Client = null;
        if (graceful)
        {
            await client.CloseQuietlyAsync();
        }

        await client.DisposeAsync();
    }

    // As a tab does when its network flaps and the load balancer sends it elsewhere: the new socket opens while the
    // old one is still open, and the old one closes some time later, or never says goodbye at all.
    private async Task ReconnectAsync(Person person)
    {
        var instance = _random.Next(_fleet.InstanceCount);
        var version = RandomVersion();
        Log($"reconnect {person.Id} from {person.Instance} to {instance} ({version})");
        var old = person.Client!;
        await SettlePositionsAsync();
        var client = await _fleet.ConnectAsync(instance, person.Id, person.Name!, person.Color!, person.Room, version);
        await client.WaitForAsync<SnapshotMessage>();
        // A new connection starts with no state and no info: its client states it again, the app sets it again.
        (person.Client, person.Instance, person.Position) = (client, instance, null);
        (person.State, person.Info) = (null, null);
        switch (_random.Next(3))
        {
            case 0:
                Log($"  and closes the old socket of {person.Id} at once");
                await old.CloseQuietlyAsync();
                await old.DisposeAsync();
                break;
            case 1:
                Log($"  and drops the old socket of {person.Id}");
                await old.DisposeAsync();
                break;
            default:
                Log($"  and keeps the old socket of {person.Id} open for now");
                _stale.Add(old);
                break;
        }
    }

    // Everyone on the instance vanishes without a leave; the others must hear of it from the crash cleanup.
    private async Task KillAsync(int instance)
    {
        Log($"kill instance {instance} and start it again");
        await _fleet.KillAndRestartAsync(instance);
        foreach (var person in _people.Where(p => p.Client is not null && p.Instance == instance))
        {
            await person.Client!.DisposeAsync();
            person.Client = null;
        }

        // A user's tabs there broke; one with no tab left is gone once the crash cleanup has run.
        foreach (var user in _users)
        {
            foreach (var tab in user.Tabs.Where(t => t.Instance == instance).ToArray())
            {
                user.Tabs.Remove(tab);
                await tab.Client.DisposeAsync();
                if (user.Tabs.Count == 0)
                {
                    user.SettlesAt = Deadline(_fleet.CrashCleanup + UserSettleMargin);
                }
            }
        }

        // Its stale sockets broke with it; the others' are closed later as usual.
        foreach (var old in _stale.ToArray())
        {
            if (old.IsClosed)
            {
                _stale.Remove(old);
                await old.DisposeAsync();
            }
        }
    }

    private async Task CloseStaleAsync(PresenceTestClient old)
    {
        _stale.Remove(old);
        var graceful = _random.Next(2) == 0;
        Log($"{(graceful ? "close" : "drop")} a stale socket");
        if (graceful)
        {
            await old.CloseQuietlyAsync();
        }

        await old.DisposeAsync();
    }

    private async Task CheckpointAsync()
    {
        Log("checkpoint");
        foreach (var old in _stale.ToArray())
        {
            await CloseStaleAsync(old);
        }

        // The server closed every kicked connection, with 4004 where the transport has close codes.
        foreach (var kicked in _kicked)
        {
            await kicked.WaitForCloseAsync();
            if (kicked.CloseStatus is { } status)
            {
                Assert.Equal(PresenceCloseStatus.Kicked, status);
            }

            await kicked.DisposeAsync();
            _checks++;
        }

        _kicked.Clear();

        foreach (var user in _users)
        {
            await SettleUserAsync(user);
        }

        // Every client's view converges on the model of its room.
        foreach (var person in _people.Where(p => p.Client is not null))
        {
            // A client's own entry is what it was told at join: the server echoes neither its moves nor its renames.
            var expected = Expected(person.Room, withPositions: true);
            expected[person.Id] = Expectation.Anything;
            await Converge(person.Client!, expected, $"the view of {person.Id} at {person.Instance} in {RoomName(person.Room)}");
        }

        foreach (var user in _users)
        {
            foreach (var (client, instance) in user.Tabs)
            {
                // A tab hears its participant's other tabs, but not its own moves: its own entry is not checked.
                var expected = Expected(user.Room, withPositions: true);
                expected[user.Id] = Expectation.Anything;
                await Converge(client, expected, $"the view of {user.Id}'s tab at {instance} in {RoomName(user.Room)}");
            }
        }

        // A newcomer on every instance gets a snapshot of a room at once, and it matches.
        for (var instance = 0; instance < _fleet.InstanceCount; instance++)
        {
            await ProbeAsync(instance, Rooms[_random.Next(Rooms.Length)]);
        }

        // Each instance subscribes to a room's events exactly while it has members there.
        foreach (var r in Rooms)
        {
            var want = _people.Where(p => p.Client is not null && p.Room == r).Select(p => p.Instance)
                .Concat(_users.Where(u => u.Room == r).SelectMany(u => u.Tabs).Select(t => t.Instance))
                .Distinct().Count();
            await Eventually.HoldsAsync(
                async () => await _fleet.SubscriptionCountAsync(r) == want,
                async () => $"subscriptions to {RoomName(r)}: expected {want}, found {await _fleet.SubscriptionCountAsync(r)}");
            _checks++;
        }
    }

    private async Task ProbeAsync(int instance, string? room)
    {
        var probeId = "probe" + (++_probes).ToString(CultureInfo.InvariantCulture);
        Log($"  probe {probeId} at {instance} in {RoomName(room)}");
        await SettlePositionsAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using (var probe = await _fleet.ConnectAsync(instance, probeId, "Probe", "#000000", room, RandomVersion()))
        {
            var snapshot = await probe.WaitForAsync<SnapshotMessage>(timeout: SnapshotTimeout);
            LongestSnapshotWait = TimeSpan.FromTicks(Math.Max(LongestSnapshotWait.Ticks, started.Elapsed.Ticks));
            _checks++;
            var seen = snapshot.Users.Where(u => u.Id != probeId).ToImmutableDictionary(u => u.Id);
            if (!Matches(seen, Expected(room, withPositions: false)))
            {
                // The snapshot may predate a change still on its way; the probe's view must converge regardless.
                await Converge(probe, Expected(room, withPositions: false, extra: probeId), $"the view of newcomer {probeId}");
            }

            await probe.CloseQuietlyAsync();
        }
    }

    private async Task EndAsync()
    {
        Log("end: everyone leaves");
        foreach (var person in _people.Where(p => p.Client is not null))
        {
            await LeaveAsync(person, graceful: _random.Next(2) == 0);
        }

        foreach (var user in _users)
        {
            foreach (var tab in user.Tabs.ToArray())
            {
                await CloseTabAsync(user, tab, graceful: _random.Next(2) == 0);
            }
        }

        foreach (var user in _users)
        {
            await SettleUserAsync(user);
        }

        foreach (var room in Rooms)
        {
            await Eventually.HoldsAsync(
                async () => await _fleet.SubscriptionCountAsync(room) == 0,
                async () => $"{await _fleet.SubscriptionCountAsync(room)} subscriptions to {RoomName(room)} once it is empty");
        }

        // Nobody is left in any room: those of an instance killed in the last steps within the crash-cleanup deadline.
        foreach (var room in Rooms)
        {
            await using var last = await _fleet.ConnectAsync(_random.Next(_fleet.InstanceCount), "last", "Last", "#000000", room, PresenceProtocolVersion.V1);
            await last.WaitForAsync<SnapshotMessage>(timeout: TimeSpan.FromSeconds(5));
            await Converge(last, new Dictionary<string, Expectation> { ["last"] = Expectation.Anything }, $"the view of the last visitor of {RoomName(room)} (ghosts)");
            await last.CloseQuietlyAsync();
        }
    }

    // A snapshot holds each remote participant's position as last written to the roster, which is at most one
    // persistence interval behind its last move (the position after that is the next move's): a newcomer here waits
    // that long after the last move, so that the model can expect positions exactly.
    private async Task SettlePositionsAsync()
    {
        var settled = ScaleOutFleet.TestOptions().CursorPersistInterval * 3;
        var since = System.Diagnostics.Stopwatch.GetElapsedTime(_lastMove);
        if (_lastMove != 0 && since < settled)
        {
            await Task.Delay(settled - since);
        }
    }

    private Dictionary<string, Expectation> Expected(string? room, bool withPositions, string? extra = null)
    {
        var expected = _people
            .Where(p => p.Client is not null && p.Room == room)
            .Concat(_users.Where(u => u.Tabs.Count > 0 && u.Room == room).Select(u => u.Fields))
            .ToDictionary(p => p.Id, p => new Expectation(p.Name, p.Color, withPositions ? p.Position : null, (p.State, p.Info)));
        if (extra is not null)
        {
            expected[extra] = Expectation.Anything;
        }

        return expected;
    }

    private async Task Converge(PresenceTestClient client, Dictionary<string, Expectation> expected, string what)
    {
        try
        {
            await client.WaitForRosterAsync(roster => Matches(roster, expected));
            _checks++;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"{what} did not converge ({ex.Message}). Expected {Describe(expected)}; saw {string.Join(", ", client.Roster.Values.Select(u => $"{u.Id}:{u.Name}/{u.Color}@({u.X},{u.Y}) {u.State} {u.Info}"))}; "
                + $"the last messages were {string.Join(" ", client.Received.TakeLast(12).Select(Describe))}.",
                ex);
        }
    }

    private static bool Matches(ImmutableDictionary<string, PresenceUser> roster, Dictionary<string, Expectation> expected) =>
        roster.Count == expected.Count
        && expected.All(e => roster.TryGetValue(e.Key, out var user)
            && (e.Value.Name is null || user.Name == e.Value.Name)
            && (e.Value.Color is null || user.Color == e.Value.Color)
            && (e.Value.Position is not { } p || (Math.Abs(user.X - p.X) < 1e-9 && Math.Abs(user.Y - p.Y) < 1e-9))
            && (e.Value.Fields is not { } f || (user.State?.ToString() == f.State && user.Info?.ToString() == f.Info)));

    private static string Describe(ServerMessage message) => message switch
    {
        SnapshotMessage snapshot => $"snapshot[{string.Join(",", snapshot.Users.Select(u => $"{u.Id}@({u.X},{u.Y})"))}]",
        PresenceMessage presence => $"presence({presence.User.Id}:{presence.User.Name}@({presence.User.X},{presence.User.Y}))",
        CursorMessage cursor => $"cursor({cursor.User.Id}@({cursor.User.X},{cursor.User.Y}))",
        LeaveMessage leave => $"leave({leave.Id})",
        _ => message.GetType().Name,
    };

    private static string Describe(Dictionary<string, Expectation> expected) =>
        string.Join(", ", expected.Select(e => $"{e.Key}:{e.Value.Name}/{e.Value.Color}@{e.Value.Position?.ToString() ?? "?"} {e.Value.Fields?.State} {e.Value.Fields?.Info}"));

    private static string RoomName(string? room) => room ?? "the default room";

    private PresenceProtocolVersion RandomVersion() => _random.Next(2) == 0 ? PresenceProtocolVersion.V1 : PresenceProtocolVersion.V2;

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private void Log(string step)
    {
        _fleet.Note("step: " + step);
        _log.Append("  ").AppendLine(step);
    }

    private sealed class Person(string id)
    {
        public string Id { get; } = id;

        /// <summary>Gets or sets the name; <see langword="null"/> where the model does not know it.</summary>
        public string? Name { get; set; } = "Ann";

        /// <summary>Gets or sets the colour; <see langword="null"/> where the model does not know it (a signed-in user's first).</summary>
        public string? Color { get; set; } = "#336699";

        public PresenceTestClient? Client { get; set; }

        public int Instance { get; set; }

        public string? Room { get; set; }

        public (double X, double Y)? Position { get; set; }

        /// <summary>Gets or sets the state as compact JSON; <see langword="null"/> when it has none.</summary>
        public string? State { get; set; }

        /// <summary>Gets or sets the info the app set, as compact JSON; <see langword="null"/> when it has none.</summary>
        public string? Info { get; set; }
    }

    /// <summary>A signed-in user: one participant, with its fields in <see cref="Fields"/>, and its tabs on any instances.</summary>
    private sealed class User(string id)
    {
        public string Id { get; } = id;

        public List<(PresenceTestClient Client, int Instance)> Tabs { get; } = [];

        public string? Room { get; set; }

        public Person Fields { get; set; } = new(id);

        /// <summary>Gets or sets when the departure after the last tab is settled, as a stopwatch timestamp; 0 when none is pending.</summary>
        public long SettlesAt { get; set; }

        /// <summary>Gets or sets the instance of the tab the user last acted in, and when (a stopwatch timestamp).</summary>
        public int LastInstance { get; set; } = -1;

        public long LastActed { get; set; }
    }

    // Null fields are not checked: a client's own entry, and a newcomer's.
    private sealed record Expectation(string? Name, string? Color, (double X, double Y)? Position, (string? State, string? Info)? Fields = null)
    {
        public static Expectation Anything { get; } = new(null, null, null);
    }
}

/// <summary>An invariant of a scale-out sequence that did not hold.</summary>
public sealed class ScaleOutViolationException(string message, Exception inner) : Exception(message, inner);
