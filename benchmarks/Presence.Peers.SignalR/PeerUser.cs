namespace Presence.Peers.SignalR;

/// <summary>A participant as the seed's <c>serialize_user</c> writes it.</summary>
internal sealed class PeerUser(string id, string name, string color)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public string Color { get; } = color;

    public double X { get; set; } = 0.5;

    public double Y { get; set; } = 0.5;

    public double UpdatedAt { get; set; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
