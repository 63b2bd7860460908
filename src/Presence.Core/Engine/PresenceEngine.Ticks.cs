using Presence.Internal;

namespace Presence;

// Fan-out: v1 clients get each event at once; v2 clients get one frame per room per tick, encoded once and shared;
// the other instances get one batch per room per tick through the backplane.
public sealed partial class PresenceEngine
{
    private Task? _ticks;
    private long _lastTick;

    /// <summary>A local participant's event: to this instance's members, and through the next tick to the other instances.</summary>
    private void Announce(PresenceRoom room, byte[] message, string participantId, bool isCursor, PresenceConnection? skip)
    {
        if (room.HasV1Members)
        {
            FannedOut(room.BroadcastV1(Frame(message, participantId, isCursor), skip), PresenceProtocolVersion.V1);
        }

        // Batched whoever is in the room now: a v2 member that joins before the tick gets every event since the last
        // one, never a selection that depends on who was there when each event came (a presence without its leave).
        room.Batch.Add(message, participantId, isCursor, publish: true);
    }

    /// <summary>An event the other instances already know of: to this instance's members only.</summary>
    private void AnnounceLocally(PresenceRoom room, byte[] message, string participantId, bool isCursor)
    {
        if (room.HasV1Members)
        {
            FannedOut(room.BroadcastV1(Frame(message, participantId, isCursor)), PresenceProtocolVersion.V1);
        }

        room.Batch.Add(message, participantId, isCursor, publish: false);
    }

    private void FannedOut(int recipients, PresenceProtocolVersion version)
    {
        if (_metrics.MeasuresFanOut)
        {
            _metrics.FannedOut(recipients, version);
        }
    }

    private static PresenceFrame Frame(byte[] message, string participantId, bool isCursor) =>
        isCursor ? new PresenceFrame(message, CursorPositions.Message(participantId, message.Length)) : new PresenceFrame(message);

    private byte[] SnapshotFrame(PresenceConnection connection, IReadOnlyList<PresenceUser> users)
    {
        // Issued afresh with every snapshot: one sent after the store returned carries a token under the shared secret,
        // where the join's may have had only this instance's.
        var token = _resumeTokens.Issue(_resumeTokens.CurrentKey, connection.Id, out var provisional);
        connection.HasProvisionalToken = provisional;
        var snapshot = FrameEncoder.Message(new SnapshotMessage(connection.Id, users, _roster.Label) { ResumeToken = token });
        return connection.Version == PresenceProtocolVersion.V2 ? RoomBatch.Frame(snapshot) : snapshot;
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(_options.TickInterval, _timeProvider);
        Volatile.Write(ref _lastTick, _timeProvider.GetTimestamp());
        while (await WaitForNextAsync(timer).ConfigureAwait(false))
        {
            var started = _metrics.MeasuresTicks ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            try
            {
                foreach (var listener in _tickListeners)
                {
                    await StartTickAsync(listener).ConfigureAwait(false);
                }

                ReleaseHeld();
                foreach (var room in _rooms.Rooms)
                {
                    await FlushAsync(room).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // Each room's failure is contained in FlushAsync; this is anything else, and the next tick runs as usual.
                Log.TickFailed(_logger, ex);
            }

            if (started != 0)
            {
                _metrics.TickEnded(started);
            }

            Volatile.Write(ref _lastTick, _timeProvider.GetTimestamp());
        }
    }

    private async ValueTask StartTickAsync(IPresenceTickListener listener)
    {
        try
        {
            await listener.OnTickStartingAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The ticks go on: the frames of this tick, and the reads of the next, matter more than one failure.
            Log.TickStartFailed(_logger, ex);
        }
    }

    /// <summary>
    /// Sends a room's events since the last flush: one frame for its v2 members, and one batch for the other instances.
    /// One flush at a time per room, so that the tick's and a departure's are never reordered. Never throws.
    /// </summary>
    internal ValueTask FlushAsync(PresenceRoom room)
    {
        ValueTask publication = default;
        try
        {
            lock (room.FlushGate)
            {
                var entries = room.Batch.Drain();
                if (entries.Length == 0)
                {
                    return default;
                }

                if (room.HasV2Members)
                {
                    FannedOut(room.BroadcastV2(RoomBatch.Frame(entries)), PresenceProtocolVersion.V2);
                }

                // Handed over under the gate: the backplane publishes a room's batches in the order it gets them.
                if (_backplane is not null && RoomBatch.Publication(entries) is { } batch)
                {
                    publication = _backplane.PublishAsync(room.Name, batch);
                }
            }
        }
        catch (Exception ex)
        {
            Log.FlushFailed(_logger, room.Name, ex);
            return default;
        }

        return publication.IsCompletedSuccessfully ? default : AwaitPublicationAsync(room, publication);
    }

    private async ValueTask AwaitPublicationAsync(PresenceRoom room, ValueTask publication)
    {
        try
        {
            await publication.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            StoreFailed("publish", room.Name, ex);
        }
    }
}
