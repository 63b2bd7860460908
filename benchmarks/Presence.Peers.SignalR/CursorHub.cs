using Microsoft.AspNetCore.SignalR;

namespace Presence.Peers.SignalR;

/// <summary>
/// The seed's relay written as a SignalR hub, the way its documentation suggests: a group per room, and each cursor
/// move sent to the others in the group with the sender's whole state, as the seed's <c>cursor</c> message carries it.
/// </summary>
internal sealed class CursorHub : Hub
{
    private const string UserKey = "user";
    private const string RoomKey = "room";

    public override async Task OnConnectedAsync()
    {
        var query = Context.GetHttpContext()!.Request.Query;
        var room = query["room"].ToString() is { Length: > 0 } r ? r : "default";
        var user = new PeerUser(
            query["uid"].ToString() is { Length: > 0 } id ? id : Context.ConnectionId,
            query["name"].ToString() is { Length: > 0 } name ? name : "Visitor",
            query["color"].ToString() is { Length: > 0 } color ? color : "#2563eb");
        Context.Items[UserKey] = user;
        Context.Items[RoomKey] = room;
        await Groups.AddToGroupAsync(Context.ConnectionId, room);
        await Clients.OthersInGroup(room).SendAsync("presence", user);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        var user = (PeerUser)Context.Items[UserKey]!;
        return Clients.OthersInGroup((string)Context.Items[RoomKey]!).SendAsync("leave", user.Id);
    }

    /// <summary>Moves the caller's cursor and relays it to the others in the room.</summary>
    public Task Cursor(double x, double y)
    {
        var user = (PeerUser)Context.Items[UserKey]!;
        user.X = Math.Clamp(x, 0, 1);
        user.Y = Math.Clamp(y, 0, 1);
        user.UpdatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        return Clients.OthersInGroup((string)Context.Items[RoomKey]!).SendAsync("cursor", user);
    }
}
