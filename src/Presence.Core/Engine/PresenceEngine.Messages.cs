using Presence.Internal;

namespace Presence;

// What a connection sends: parsed, cleaned by the rules, and relayed to its room.
public sealed partial class PresenceEngine
{
    // One pass per message received: each waits on the transport, and the loop ends when it closes, fails, or refuses
    // a message too big.
    private async Task ReceiveAsync(PresenceConnection connection)
    {
        while (true)
        {
            TransportMessage message;
            try
            {
                message = await connection.Transport.ReceiveAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.ReceiveFailed(_logger, connection.Id, ex);
                return;
            }

            switch (message.Type)
            {
                case TransportMessageType.Text:
                    _metrics.MessageReceived(connection.Version);
                    // Read before membership: a promotion clears the one before it sets the other, so a follower
                    // promoted meanwhile is seen as one or the other, never as neither.
                    var following = connection.IsFollower;
                    if (!PresenceProtocol.TryParseClientMessage(message.Payload, out var parsed))
                    {
                        _metrics.MessageIgnored(connection.Version);
                        Log.MessageIgnored(_logger, connection.Id);
                    }
                    else if (connection.IsMember)
                    {
                        await HandleAsync(connection, parsed).ConfigureAwait(false);
                    }
                    else if (following && _rooms.FindMember(connection.Room!, connection.Id) is { } member)
                    {
                        // Another tab of the participant: what it sends is the participant's, as its member's is.
                        await HandleAsync(member, parsed).ConfigureAwait(false);

                        // The member left meanwhile and this tab took its place, maybe with the participant as it was
                        // before this message: it applies it again, as its own (every message is idempotent).
                        if (member != connection && !member.IsMember && connection.IsMember)
                        {
                            await HandleAsync(connection, parsed).ConfigureAwait(false);
                        }
                    }

                    break;
                case TransportMessageType.Binary:
                    _metrics.MessageReceived(connection.Version);
                    _metrics.MessageIgnored(connection.Version);
                    Log.MessageIgnored(_logger, connection.Id);
                    break;
                case TransportMessageType.TooLarge:
                    Log.MessageTooBig(_logger, connection.Id, _options.MaximumMessageSize);
                    connection.BeginClose(PresenceCloseStatus.MessageTooBig);
                    return;
                default:
                    return;
            }
        }
    }

    // Internal for the broadcast benchmark, which drives the hot path exactly as a received message does.
    internal async ValueTask HandleAsync(PresenceConnection connection, ClientMessage message)
    {
        switch (message.Type)
        {
            case ClientMessageType.Hello:
                lock (connection.UserGate)
                {
                    var current = connection.User;
                    var name = PresenceRules.CleanName(message.Name, current.Name);
                    var color = PresenceRules.CleanColor(message.Color, current.Color);
                    connection.Update(current with { Name = name, Color = color, UpdatedAt = Now() }, textChanged: name != current.Name || color != current.Color);
                }

                if (AdmitHello(connection))
                {
                    await WriteAndAnnounceAsync(connection).ConfigureAwait(false);
                }

                break;
            case ClientMessageType.State:
                if (ApplyState(connection, message))
                {
                    HoldStateForTick(connection);
                }

                break;
            default:
                lock (connection.UserGate)
                {
                    var current = connection.User;
                    connection.Update(
                        current with
                        {
                            X = PresenceRules.ClampCoordinate(message.X, current.X),
                            Y = PresenceRules.ClampCoordinate(message.Y, current.Y),
                            UpdatedAt = Now(),
                        },
                        textChanged: false);
                }

                if (AdmitCursor(connection))
                {
                    AnnounceCursor(connection);
                }

                break;
        }
    }

    /// <summary>
    /// Merges or replaces the participant's state. An update past <see cref="PresenceOptions.MaxStateBytes"/> or
    /// <see cref="PresenceOptions.MaxStateDepth"/> is ignored, and the state stays as it was. True when it changed.
    /// </summary>
    private bool ApplyState(PresenceConnection connection, ClientMessage message)
    {
        lock (connection.UserGate)
        {
            var current = connection.User;
            var state = message.ReplacesState ? message.State! : (current.State ?? PresenceState.Empty).Merge(message.State!);
            if (!state.IsWithin(_options.MaxStateBytes, _options.MaxStateDepth))
            {
                _metrics.MessageIgnored(connection.Version);
                Log.StateRefused(_logger, connection.Id, state.Utf8Json.Length);
                return false;
            }

            var next = state.IsEmpty ? null : state;
            if (Equals(next, current.State))
            {
                return false;
            }

            connection.Update(current with { State = next, UpdatedAt = Now() }, textChanged: false);
            return true;
        }
    }

    /// <summary>
    /// Writes the participant as it is now, then tells the room (and the sender, as the seed does): written first, so
    /// that whoever reads the roster after hearing of it sees the new name.
    /// </summary>
    private async ValueTask WriteAndAnnounceAsync(PresenceConnection connection)
    {
        if (!TryWrite(connection, out var write))
        {
            return;
        }

        if (await write.ConfigureAwait(false) == RosterWrite.TakenOver)
        {
            await SupersedeElsewhereAsync(connection).ConfigureAwait(false);
            return;
        }

        AnnouncePresence(connection, toSelf: true);
    }

    /// <summary>
    /// Tells the room where the participant is now, unless the connection left: under its gate, which its departure
    /// passes through before its last flush, so that no move follows the departure.
    /// </summary>
    private void AnnounceCursor(PresenceConnection connection)
    {
        lock (connection.Gate)
        {
            if (!connection.IsMember || connection.Room is not { } room)
            {
                return;
            }

            var cursor = FrameEncoder.Cursor(connection.Text, connection.User);
            Announce(room, cursor, connection.Id, isCursor: true, skip: connection);
        }

        SchedulePersistence(connection);
    }
}
