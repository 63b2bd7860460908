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
                    _metrics.MessageReceived();
                    if (!PresenceProtocol.TryParseClientMessage(message.Payload, out var parsed))
                    {
                        _metrics.MessageIgnored();
                        Log.MessageIgnored(_logger, connection.Id);
                    }
                    else if (connection.IsMember)
                    {
                        await HandleAsync(connection, parsed).ConfigureAwait(false);
                    }

                    break;
                case TransportMessageType.Binary:
                    _metrics.MessageReceived();
                    _metrics.MessageIgnored();
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
        var room = connection.Room!;
        var current = connection.User;
        if (message.Type == ClientMessageType.Hello)
        {
            var name = PresenceRules.CleanName(message.Name, current.Name);
            var color = PresenceRules.CleanColor(message.Color, current.Color);
            var user = current with { Name = name, Color = color, UpdatedAt = Now() };
            connection.Update(user, textChanged: name != current.Name || color != current.Color);
            if (AdmitHello(connection))
            {
                await WriteAndAnnounceAsync(connection).ConfigureAwait(false);
            }
        }
        else
        {
            var user = current with
            {
                X = PresenceRules.ClampCoordinate(message.X, current.X),
                Y = PresenceRules.ClampCoordinate(message.Y, current.Y),
                UpdatedAt = Now(),
            };
            connection.Update(user, textChanged: false);
            if (AdmitCursor(connection))
            {
                AnnounceCursor(connection);
            }
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
