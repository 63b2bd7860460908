using System.Collections.Concurrent;
using Presence.Internal;

namespace Presence;

// What one client may send, per second: cursors and hellos past their bucket are held by the sender's own connection,
// the newest replacing the older, and go out on a later tick once a token is there. The excess never reaches another
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
    /// again, as the participant is now. A <c>hello</c> carries the position too, so it stands for a held cursor.
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
        bool cursor = false, hello = false;
        lock (connection.RateGate)
        {
            connection.HeldQueued = false;
            if (!connection.IsMember)
            {
                connection.CursorHeld = connection.HelloHeld = false;
                return;
            }

            if (connection.HelloHeld && TryTakeLocked(connection, hello: true))
            {
                connection.HelloHeld = connection.CursorHeld = false;
                hello = true;
            }
            else if (connection.CursorHeld && TryTakeLocked(connection, hello: false))
            {
                connection.CursorHeld = false;
                cursor = true;
            }

            if (connection.CursorHeld || connection.HelloHeld)
            {
                QueueHeldLocked(connection);
            }
        }

        if (hello)
        {
            _ = ReleaseHelloAsync(connection);
        }
        else if (cursor)
        {
            AnnounceCursor(connection);
        }
    }

    private async Task ReleaseHelloAsync(PresenceConnection connection)
    {
        try
        {
            await WriteAndAnnounceAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.StoreFailed(_logger, "update", connection.RoomName, ex);
        }
    }
}
