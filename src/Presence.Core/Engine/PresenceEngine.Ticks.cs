using System.Collections.Immutable;
using Presence.Internal;

namespace Presence;

// Fan-out: v1 clients get each event at once; v2 clients get one frame per room per tick, encoded once and shared.
// Other instances hear of local events one by one (the default room, for the seed's backend) or in one batch per
// room per tick.
public sealed partial class PresenceEngine
{
    /// <summary>What stands in a tick frame's cursor-owner slot: a newer cursor-only tick replaces a queued one.</summary>
    private const string CursorTickOwner = "\\tick";

    private Task? _ticks;
    private ImmutableArray<Func<ValueTask>> _tickStarting = [];

    /// <summary>
    /// Registers what runs on each tick before its frames are built. A transport that reads its v2 clients' messages
    /// on the tick, rather than waking for each, hands them to the engine here, in time for this tick's frames.
    /// </summary>
    internal void OnTickStarting(Func<ValueTask> callback) =>
        ImmutableInterlocked.Update(ref _tickStarting, static (callbacks, callback) => callbacks.Add(callback), callback);

    private ValueTask AnnounceAsync(PresenceRoom room, byte[] message, string participantId, bool isCursor, PresenceConnection? skip)
    {
        room.BroadcastV1(new OutboundFrame(message, isCursor ? participantId : null), skip);
        var perEvent = PublishesPerEvent(room);
        if (room.HasV2Members || !perEvent)
        {
            room.Batch.Add(message, participantId, isCursor, isLocal: true);
        }

        return perEvent ? PublishAsync(room.Name, message) : default;
    }

    private static void AnnounceRemote(PresenceRoom room, byte[] message, string participantId, bool isCursor)
    {
        room.BroadcastV1(new OutboundFrame(message, isCursor ? participantId : null));
        if (room.HasV2Members)
        {
            room.Batch.Add(message, participantId, isCursor, isLocal: false);
        }
    }

    private bool PublishesPerEvent(PresenceRoom room) => _options.PublishDefaultRoomPerEvent && room.Name == PresenceRules.DefaultRoom;

    private byte[] SnapshotFrame(PresenceConnection connection, IReadOnlyList<PresenceUser> users)
    {
        var snapshot = FrameEncoder.Message(new SnapshotMessage(connection.Id, users, _store.Label));
        return connection.Version == PresenceProtocolVersion.V2 ? RoomBatch.Frame(snapshot) : snapshot;
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(_options.TickInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                foreach (var starting in _tickStarting)
                {
                    await StartTickAsync(starting).ConfigureAwait(false);
                }

                foreach (var room in _rooms.Values)
                {
                    await FlushAsync(room).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.MaintenanceFailed(_logger, ex);
        }
    }

    private async ValueTask StartTickAsync(Func<ValueTask> starting)
    {
        try
        {
            await starting().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The ticks go on: the frames of this tick, and the reads of the next, matter more than one failure.
            Log.TickStartFailed(_logger, ex);
        }
    }

    /// <summary>Sends a room's tick: one frame for its v2 members, and one batch for the other instances.</summary>
    internal async ValueTask FlushAsync(PresenceRoom room)
    {
        var entries = room.Batch.Drain();
        if (entries.Length == 0)
        {
            return;
        }

        if (room.HasV2Members)
        {
            var cursorsOnly = Array.TrueForAll(entries, static e => e.IsCursor);
            room.BroadcastV2(new OutboundFrame(RoomBatch.Frame(entries, localOnly: false), cursorsOnly ? CursorTickOwner : null));
        }

        if (!PublishesPerEvent(room) && RoomBatch.Frame(entries, localOnly: true) is { Length: > 0 } batch)
        {
            await PublishAsync(room.Name, batch).ConfigureAwait(false);
        }
    }
}
