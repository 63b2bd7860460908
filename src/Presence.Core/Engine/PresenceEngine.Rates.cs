using System.Collections.Concurrent;
using Presence.Internal;

namespace Presence;

// What one client may send, per second: cursors and hellos past their bucket are held by the sender's own connection,
// the newest replacing the older, and go out on a later tick once a token is there. State updates are always held for
// the next tick, so that each tick carries a participant's latest state once. The excess never reaches another
// member's outbox, the backplane or the store.
public sealed partial class PresenceEngine
{
    // Each connection is in it at most once (HeldQueued).
    private readonly ConcurrentQueue<PresenceConnection> _held = new();

    /// <summary>Tells whether a cursor move goes out now; when not, the participant's latest position waits for a token.</summary>
    private bool AdmitCursor(PresenceConnection connection) => Admit(connection, hello: false);

    /// <summary>Tells whether a <c>hello</c> goes out now; when not, the participant's latest name and colour wait.</summary>
    private bool AdmitHello(PresenceConnection connection) => Admit(connection, hello: true);

    private bool Admit(PresenceConnection connection, bool hello)
    {
        lock (connection.RateGate)
        {
            var admitted = TryTakeLocked(connection, hello);

            // A message that goes out now stands for any of its kind held before it.
            if (hello)
            {
                connection.HelloHeld = !admitted;
            }
            else
            {
                connection.CursorHeld = !admitted;
            }

            if (!admitted)
            {
                QueueHeldLocked(connection);
            }

            return admitted;
        }
    }

    /// <summary>The participant's state changed: its latest goes out with the next tick that has a token for it.</summary>
    private void HoldStateForTick(PresenceConnection connection)
    {
        lock (connection.RateGate)
        {
            connection.StateHeld = true;
            QueueHeldLocked(connection);
        }
    }

    private bool TryTakeLocked(PresenceConnection connection, bool hello) => hello
        ? connection.Hellos.TryTake(_timeProvider, _options.HellosPerSecond, _options.HelloBurst)
        : connection.Cursors.TryTake(_timeProvider, _options.CursorsPerSecond, _options.CursorBurst);

    private void QueueHeldLocked(PresenceConnection connection)
    {
        if (!connection.HeldQueued)
        {
            connection.HeldQueued = true;
            _held.Enqueue(connection);
        }
    }

    /// <summary>
    /// On each tick, before the rooms are flushed: what each connection held back goes out if its bucket has a token
    /// again, as the participant is now. A <c>presence</c> carries the position too, so it stands for a held cursor.
    /// </summary>
    private void ReleaseHeld()
    {
        for (var pending = _held.Count; pending > 0 && _held.TryDequeue(out var connection); pending--)
        {
            try
            {
                ReleaseHeld(connection);
            }
            catch (Exception ex)
            {
                Log.ReleaseHeldFailed(_logger, connection.Id, ex);
            }
        }
    }

    private void ReleaseHeld(PresenceConnection connection)
    {
        bool cursor = false, presence = false;
        lock (connection.RateGate)
        {
            connection.HeldQueued = false;
            if (!connection.IsMember)
            {
                connection.CursorHeld = connection.HelloHeld = connection.StateHeld = false;
                return;
            }

            // A presence carries the name, the state and the position: whichever releases one stands for all three.
            if ((connection.HelloHeld && TryTakeLocked(connection, hello: true))
                || (connection.StateHeld && connection.States.TryTake(_timeProvider, _options.StateUpdatesPerSecond, _options.StateBurst)))
            {
                connection.HelloHeld = connection.StateHeld = connection.CursorHeld = false;
                presence = true;
            }
            else if (connection.CursorHeld && TryTakeLocked(connection, hello: false))
            {
                connection.CursorHeld = false;
                cursor = true;
            }

            if (connection.CursorHeld || connection.HelloHeld || connection.StateHeld)
            {
                QueueHeldLocked(connection);
            }
        }

        if (presence)
        {
            _ = ReleasePresenceAsync(connection);
        }
        else if (cursor)
        {
            AnnounceCursor(connection);
        }
    }

    /// <summary>
    /// What a departing connection held back, announced at once, past its buckets: once per connection, so that a
    /// change made just before a tab closes reaches the participant's other tabs.
    /// </summary>
    private async Task ReleaseHeldOnDepartureAsync(PresenceConnection connection)
    {
        bool presence, cursor;
        lock (connection.RateGate)
        {
            presence = connection.HelloHeld || connection.StateHeld;
            cursor = !presence && connection.CursorHeld;
            connection.HelloHeld = connection.StateHeld = connection.CursorHeld = false;
        }

        if (presence)
        {
            await ReleasePresenceAsync(connection).ConfigureAwait(false);
        }
        else if (cursor)
        {
            AnnounceCursor(connection);
        }
    }

    private async Task ReleasePresenceAsync(PresenceConnection connection)
    {
        try
        {
            await WriteAndAnnounceAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            StoreFailed("update", connection.RoomName, ex);
        }
    }
}
