using Presence.Internal;

namespace Presence;

// A connection's life in its room and in the roster. The room directory decides membership; the connection's gate
// orders what the roster and the others hear of it: its claim, its writes, its announcements and its release.
public sealed partial class PresenceEngine
{
    /// <summary>Joins the connection to its room, or closes it when the room or the instance is full.</summary>
    /// <returns>False when it was refused.</returns>
    internal async Task<bool> JoinAsync(PresenceConnection connection)
    {
        if (_rooms.Join(connection, out var replaced, out var replacedFollowers, out var refusal) is not { } room)
        {
            Log.JoinRefused(_logger, connection.Id, connection.RoomName, refusal!.Value);
            connection.BeginClose(refusal.Value);
            return false;
        }

        if (replaced is not null)
        {
            // The newest connection wins: the old one is closed, and its late departure announces nothing. A follower
            // replaced is a signed-in user's oldest tab past the cap.
            Log.Replaced(_logger, connection.Id, room.Name);
            Supersede(replaced);
        }

        foreach (var follower in replacedFollowers ?? [])
        {
            Supersede(follower);
        }

        if (connection.IsFollower)
        {
            // Another tab of a signed-in member: it hears the room and gets a snapshot; its member owns the participant.
            await WaitQuietlyAsync(EnsureSubscribedAsync(room), JoinStoreWait).ConfigureAwait(false);
            var known = await SnapshotAsync(room, connection).ConfigureAwait(false);
            connection.Outbox.Start(new PresenceFrame(SnapshotFrame(connection, known)));
            Log.Following(_logger, connection.Id, room.Name);
            return true;
        }

        // A join waits for the store for a bounded time: past it (the store is slow, or going away and not yet known
        // to be), the joiner gets what this instance knows now, and a fresh snapshot once the store has answered.
        var started = _timeProvider.GetTimestamp();
        var subscribed = EnsureSubscribedAsync(room);
        var complete = await WaitQuietlyAsync(subscribed, JoinStoreWait).ConfigureAwait(false);

        // A connection replaced while it joined stops here: it neither claims nor announces its stale participant.
        if (!TryClaim(connection, out var claim))
        {
            return true;
        }

        // A signed-in user's tab that finds the participant held by its other tabs (on other instances, or here in its
        // grace period) joins it as it is: everyone has it already, and nobody hears of the tab.
        var joinedOthers = await claim.ConfigureAwait(false) is { } held && JoinParticipant(connection, held);

        // A departure from this room in flight here (the roster has not said yet whether the participant stays, as
        // when it reconnected elsewhere) is waited for, briefly: the snapshot is then right at once. One that takes
        // longer is left out, and the joiner told of the participant afterwards if it stays.
        await WaitQuietlyAsync(_departures.WhenSettled(room.Name), Min(DepartureWait, Remaining(started))).ConfigureAwait(false);
        var read = complete ? SnapshotAsync(room, connection).AsTask() : null;
        IReadOnlyList<PresenceUser> users;
        if (read is not null && await WaitQuietlyAsync(read, Remaining(started)).ConfigureAwait(false))
        {
            users = await read.ConfigureAwait(false);
        }
        else
        {
            users = WithLocalMembers(room, [], connection);
            _ = SnapshotLateAsync(connection, room, subscribed);
        }

        // Broadcasts that reached this connection while it joined wait behind the snapshot.
        connection.Outbox.Start(new PresenceFrame(SnapshotFrame(connection, users)));
        if (!joinedOthers)
        {
            AnnouncePresence(connection, toSelf: false);
        }

        return true;
    }

    /// <summary>Makes the connection's participant the one its other tabs hold; false when the roster's is unusable.</summary>
    private static bool JoinParticipant(PresenceConnection connection, PresenceUser held)
    {
        if (!PresenceRules.TryCleanUser(held, out var clean) || clean.Id != connection.Id)
        {
            return false;
        }

        lock (connection.UserGate)
        {
            connection.Update(clean, textChanged: true);
        }

        return true;
    }

    // How long a join waits for the store in all (its subscription, departures in flight, the roster's snapshot), and
    // for departures in flight alone.
    private static readonly TimeSpan JoinStoreWait = TimeSpan.FromMilliseconds(750);
    private static readonly TimeSpan DepartureWait = TimeSpan.FromMilliseconds(500);

    private TimeSpan Remaining(long started)
    {
        var left = JoinStoreWait - _timeProvider.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// A joiner that got only this instance's view because the store was slow gets the roster's once the room's
    /// subscription is made: read after it, the snapshot holds whatever the joiner missed meanwhile.
    /// </summary>
    private async Task SnapshotLateAsync(PresenceConnection connection, PresenceRoom room, Task subscribed)
    {
        try
        {
            await subscribed.ConfigureAwait(false);
            var users = await SnapshotAsync(room).ConfigureAwait(false);
            if (connection.IsMember)
            {
                connection.Outbox.Enqueue(new PresenceFrame(SnapshotFrame(connection, users)));
            }
        }
        catch (Exception ex)
        {
            StoreFailed("snapshot", room.Name, ex);
        }
    }

    private async Task<bool> WaitQuietlyAsync(Task settled, TimeSpan wait)
    {
        if (settled.IsCompleted)
        {
            return true;
        }

        try
        {
            await settled.WaitAsync(wait, _timeProvider).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task LeaveAsync(PresenceConnection connection)
    {
        if (connection.IsShared && connection.IsMember)
        {
            // The participant outlives this connection (its other tabs, its grace period): what the connection held
            // back for a token goes out now, while it still speaks for the participant, or nobody would hear of it.
            await ReleaseHeldOnDepartureAsync(connection).ConfigureAwait(false);
        }

        if (_rooms.Leave(connection) is not { } departure)
        {
            // Replaced, here or elsewhere: whoever took its place speaks for the participant now.
            return;
        }

        var room = departure.Room;

        // A move announced from the tick (one held for a token) saw the connection as a member under its gate: once
        // through the gate, every such move is in the batch, and the flush below sends it before the departure.
        lock (connection.Gate)
        {
        }

        if (departure.Successor is { } successor)
        {
            // The participant's next tab here owns it from now on, claimed before this connection's release is issued:
            // the release then finds a newer owner, and nobody hears of a departure. What the claim answers is ignored:
            // the successor has the participant as this connection left it, newer than what the roster holds.
            if (TryClaim(successor, out var claim))
            {
                _ = await claim.ConfigureAwait(false);
            }
        }
        else if (Lingers(connection))
        {
            // The participant stays in the roster, still this connection's: a reconnect within the grace period claims
            // it as any reconnect does, and the release that ends the grace then finds a newer owner and says nothing.
            await FlushAsync(room).ConfigureAwait(false);
            if (departure.RoomRetired)
            {
                await RetireAsync(room).ConfigureAwait(false);
            }

            _lingering.Add(connection, room, _timeProvider.GetTimestamp() + (long)(_options.DepartureGracePeriod.TotalSeconds * _timeProvider.TimestampFrequency));
            Log.Lingering(_logger, connection.Id, room.Name);
            return;
        }

        await CompleteDepartureAsync(connection, room, departure.RoomRetired).ConfigureAwait(false);
    }

    // Only a signed-in participant's departure waits, and only one nobody asked for: the app's kick, a newer connection
    // and a shutdown are meant, and anonymous clients keep the seed's behaviour.
    private bool Lingers(PresenceConnection connection)
    {
        if (!connection.IsAuthenticated || _options.DepartureGracePeriod <= TimeSpan.Zero || Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        if (connection.CloseStatus is PresenceCloseStatus.Kicked or PresenceCloseStatus.Replaced or PresenceCloseStatus.GoingAway)
        {
            return false;
        }

        lock (connection.Gate)
        {
            return connection.RosterState == RosterState.Active;
        }
    }

    /// <summary>Completes the departures whose grace is over, or all of them; each one's failure is its own.</summary>
    private async Task CompleteLingeringAsync(bool all)
    {
        var due = _lingering.TakeDue(_timeProvider.GetTimestamp(), all);
        if (due.Count == 0)
        {
            return;
        }

        var completions = new Task[due.Count];
        for (var i = 0; i < due.Count; i++)
        {
            completions[i] = CompleteLingeringAsync(due[i].Connection, due[i].Room);
        }

        await Task.WhenAll(completions).ConfigureAwait(false);
    }

    private async Task CompleteLingeringAsync(PresenceConnection connection, PresenceRoom room)
    {
        try
        {
            await CompleteDepartureAsync(connection, room, roomRetired: false).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            StoreFailed("release", room.Name, ex);
        }
    }

    /// <summary>The roster's part of a departure: release, announce, and tell joiners who missed the participant.</summary>
    private async Task CompleteDepartureAsync(PresenceConnection connection, PresenceRoom room, bool roomRetired)
    {
        _departures.Begin(room.Name, connection.Id);
        try
        {
            // The participant's last moves go out before its departure, which the roster announces to the others.
            await FlushAsync(room).ConfigureAwait(false);
            // The release counts from when it was issued: whatever the newer owner announces after it took effect
            // is stamped later than that, whichever instance replies first.
            var issued = Now();
            if (TryRelease(connection, out var release) && await release.ConfigureAwait(false))
            {
                _departures.Released(room.Name, connection.Id, issued);
                AnnounceLeave(room, connection.Id);
            }
        }
        finally
        {
            await TellLeftOutAsync(room.Name, connection.Id, _departures.End(room.Name, connection.Id)).ConfigureAwait(false);
            if (roomRetired)
            {
                await RetireAsync(room).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A newer connection of the same participant took this one's place on this instance.</summary>
    private static void Supersede(PresenceConnection connection)
    {
        lock (connection.Gate)
        {
            if (connection.RosterState is RosterState.Joining or RosterState.Active)
            {
                connection.RosterState = RosterState.Superseded;
            }
        }

        connection.BeginClose(PresenceCloseStatus.Replaced);
    }

    /// <summary>
    /// The roster says a newer connection elsewhere owns the participant: this one leaves its room without a word, and
    /// is closed as replaced.
    /// </summary>
    /// <remarks>
    /// Another write of this connection may have raced the one that said so, and found the participant owned by
    /// nobody (the newer connection had left meanwhile): it wrote the participant back, as this connection's. The
    /// release undoes that, and announces the departure; when the newer connection owns it, it does nothing.
    /// </remarks>
    private async Task SupersedeElsewhereAsync(PresenceConnection connection)
    {
        // The participant is another instance's now: its other tabs here go too, rather than take it back.
        if (connection.Room is { } joined)
        {
            foreach (var follower in _rooms.TakeFollowers(joined, connection.Id))
            {
                follower.BeginClose(PresenceCloseStatus.Replaced);
            }
        }

        var departure = _rooms.Leave(connection);
        Log.TakenOver(_logger, connection.Id, connection.RoomName);
        ValueTask<bool> release = default;
        var releasing = false;
        var issued = Now();
        lock (connection.Gate)
        {
            if (connection.RosterState is RosterState.Joining or RosterState.Active)
            {
                connection.RosterState = RosterState.Superseded;
                release = ReleaseAsync(connection);
                releasing = true;
            }
        }

        connection.BeginClose(PresenceCloseStatus.Replaced);
        _departures.Begin(connection.RoomName, connection.Id);
        try
        {
            if (releasing && departure is { Room: var left })
            {
                // Whatever this connection announced and the tick has not sent yet (its join's presence, say) goes out
                // now, ahead of the roster read below: should the newer connection leave after that read, its leave
                // comes after these events on every instance, and a leave that came before is caught by the read.
                await FlushAsync(left).ConfigureAwait(false);
                if (await release.ConfigureAwait(false))
                {
                    _departures.Released(left.Name, connection.Id, issued);
                    AnnounceLeave(left, connection.Id);
                }
                else
                {
                    await AnnounceIfGoneAsync(left, connection.Id).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await TellLeftOutAsync(connection.RoomName, connection.Id, _departures.End(connection.RoomName, connection.Id)).ConfigureAwait(false);
            if (departure is { RoomRetired: true, Room: var room })
            {
                await RetireAsync(room).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Joiners whose snapshot left out a participant while it was leaving here: when the roster still has it (another
    /// connection, likely elsewhere, owns it), each is told of it with a <c>presence</c>, as the roster holds it.
    /// </summary>
    private async Task TellLeftOutAsync(string roomName, string id, List<PresenceConnection>? joiners)
    {
        if (joiners is null)
        {
            return;
        }

        try
        {
            var users = await _roster.SnapshotAsync(roomName).ConfigureAwait(false);
            if (users.FirstOrDefault(u => u.Id == id) is not { } user || !PresenceRules.TryCleanUser(user, out var clean))
            {
                return;
            }

            var presence = FrameEncoder.Message(new PresenceMessage(clean));
            foreach (var joiner in joiners)
            {
                if (joiner.IsMember || joiner.IsFollower)
                {
                    joiner.Outbox.Enqueue(new PresenceFrame(joiner.Version == PresenceProtocolVersion.V2 ? RoomBatch.Frame(presence) : presence));
                }
            }
        }
        catch (Exception ex)
        {
            StoreFailed("snapshot", roomName, ex);
        }
    }

    /// <summary>
    /// After a takeover: this connection's last events may reach the others after the newer connection's own leave
    /// (they waited for a tick), which would bring the participant back in their views. When the roster says nobody
    /// has the participant, a leave goes out behind those events. Should a newer connection claim it meanwhile, that
    /// instance hears this leave for a member of its own and announces its member again.
    /// </summary>
    private async Task AnnounceIfGoneAsync(PresenceRoom room, string id)
    {
        if (_backplane is null)
        {
            return;
        }

        IReadOnlyList<PresenceUser> users;
        try
        {
            users = await _roster.SnapshotAsync(room.Name).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            StoreFailed("snapshot", room.Name, ex);
            return;
        }

        if (!users.Any(u => u.Id == id) && _rooms.FindMember(room, id) is null)
        {
            Announce(room, FrameEncoder.Message(new LeaveMessage(id)), id, isCursor: false, skip: null);
        }
    }

    /// <summary>The retired room's last events go out, then its subscription ends: once, whatever fails.</summary>
    private async Task RetireAsync(PresenceRoom room)
    {
        if (!room.TryBeginRetirement(out var subscription))
        {
            return;
        }

        try
        {
            await FlushAsync(room).ConfigureAwait(false);
        }
        finally
        {
            await UnsubscribeAsync(room, subscription).ConfigureAwait(false);
        }
    }

    private bool TryClaim(PresenceConnection connection, out ValueTask<PresenceUser?> claim)
    {
        lock (connection.Gate)
        {
            if (connection.RosterState != RosterState.Joining)
            {
                claim = default;
                return false;
            }

            // Stamped as it claims, as the roster then holds it; what is announced of it is stamped again when it is.
            connection.RosterState = RosterState.Active;
            connection.Update(connection.User with { UpdatedAt = Now() }, textChanged: false);
            claim = ClaimAsync(connection);
            return true;
        }
    }

    /// <summary>Issues a write of the participant as it is now, unless the connection no longer owns it.</summary>
    private bool TryWrite(PresenceConnection connection, out ValueTask<RosterWrite> write)
    {
        lock (connection.Gate)
        {
            if (connection.RosterState != RosterState.Active)
            {
                write = default;
                return false;
            }

            write = UpdateAsync(connection);
            return true;
        }
    }

    /// <summary>Issues the release of the participant, unless the connection no longer owns it or never claimed it.</summary>
    private bool TryRelease(PresenceConnection connection, out ValueTask<bool> release)
    {
        lock (connection.Gate)
        {
            var claimed = connection.RosterState == RosterState.Active;
            if (connection.RosterState is RosterState.Joining or RosterState.Active)
            {
                connection.RosterState = RosterState.Left;
            }

            // A connection that never claimed its participant never announced it either: there is nothing to undo.
            if (!claimed)
            {
                release = default;
                return false;
            }

            release = ReleaseAsync(connection);
            return true;
        }
    }

    private bool TryReleaseSuperseded(PresenceConnection connection, out ValueTask<bool> release)
    {
        lock (connection.Gate)
        {
            if (connection.RosterState != RosterState.Superseded)
            {
                release = default;
                return false;
            }

            release = ReleaseAsync(connection);
            return true;
        }
    }

    /// <summary>What a write told of the participant's ownership, acted on.</summary>
    private async ValueTask HandleWriteAsync(PresenceConnection connection, RosterWrite write, bool announceIfOwned)
    {
        switch (write)
        {
            case RosterWrite.TakenOver:
                await SupersedeElsewhereAsync(connection).ConfigureAwait(false);
                break;
            case RosterWrite.Restored:
                // Nobody owned it any more: the others may have been told it left. A connection superseded meanwhile
                // takes back what this write restored (see SupersedeElsewhereAsync).
                Log.Restored(_logger, connection.Id, connection.RoomName);
                if (!TryReleaseSuperseded(connection, out var release))
                {
                    AnnouncePresence(connection, toSelf: false);
                }
                else if (await release.ConfigureAwait(false) && connection.Room is { } room)
                {
                    AnnounceLeave(room, connection.Id);
                }

                break;
            default:
                if (announceIfOwned)
                {
                    AnnouncePresence(connection, toSelf: false);
                }

                break;
        }
    }

    /// <summary>
    /// Tells the room the participant is here, as it is now, unless the connection no longer speaks for it: under the
    /// connection's gate, so that a connection replaced meanwhile never announces after its successor.
    /// </summary>
    /// <remarks>
    /// Stamped now, not when the participant last changed: an instance that let the participant go drops its events
    /// stamped before it did (they come from the connection that left), and this announcement comes from the one that
    /// owns the participant now, however long ago it joined or last moved.
    /// </remarks>
    private void AnnouncePresence(PresenceConnection connection, bool toSelf)
    {
        lock (connection.Gate)
        {
            if (connection.RosterState != RosterState.Active || !connection.IsMember || connection.Room is not { } room)
            {
                return;
            }

            PresenceUser user;
            if (connection.IsShared)
            {
                // The participant's other tabs elsewhere take an announcement only when it is newer than what they
                // have: the copy here is stamped as announced.
                lock (connection.UserGate)
                {
                    var current = connection.User;
                    user = current with { UpdatedAt = Math.Max(Now(), current.UpdatedAt) };
                    connection.Update(user, textChanged: false);
                }
            }
            else
            {
                user = connection.User with { UpdatedAt = Now() };
            }

            var presence = FrameEncoder.Presence(connection.Text, user);
            Announce(room, presence, connection.Id, isCursor: false, skip: toSelf ? null : connection);
        }
    }

    /// <summary>
    /// Tells this instance's members of the room that a participant left. The other instances heard it from the roster.
    /// A newer connection of the same participant that is a member now speaks for it instead.
    /// </summary>
    /// <remarks>
    /// When the departure retired the room and a newer one of the same name took its place meanwhile, its members are
    /// told too: their snapshot may have been read before the roster let the participant go.
    /// </remarks>
    private void AnnounceLeave(PresenceRoom room, string id)
    {
        var leave = FrameEncoder.Message(new LeaveMessage(id));
        foreach (var audience in _rooms.Find(room.Name) is { } current && current != room ? [room, current] : new[] { room })
        {
            if (_rooms.FindMember(audience, id) is null)
            {
                AnnounceLocally(audience, leave, id, isCursor: false);
            }
        }
    }
}
