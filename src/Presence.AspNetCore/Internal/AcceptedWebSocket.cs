using System.Net.WebSockets;

namespace Presence.AspNetCore.Internal;

/// <summary>A socket accepted by <see cref="WebSocketHandshake"/>, with the stream under it and the terms agreed.</summary>
/// <param name="Socket">The socket: it reads messages and writes control frames.</param>
/// <param name="Connection">The stream under the socket, where data frames are written already encoded.</param>
/// <param name="Deflate">Whether permessage-deflate was agreed.</param>
internal sealed record AcceptedWebSocket(WebSocket Socket, WebSocketConnectionStream Connection, bool Deflate);
