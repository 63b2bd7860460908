namespace Presence;

/// <summary>
/// The JSON codec of wire protocol v1, the seed's protocol field for field. Every message is one JSON object
/// in one text frame (WebSocket) or on one line (stream transport):
/// <code>
/// client -> server   {"type":"hello","name":string,"color":string}
///                    {"type":"cursor","x":number,"y":number}
/// server -> client   {"type":"snapshot","selfId":string,"users":[user...],"stateStore":string}
///                    {"type":"presence","user":user}
///                    {"type":"cursor","user":user}
///                    {"type":"leave","id":string}
/// user               {"id":string,"name":string,"color":string,"x":number,"y":number,"updatedAt":number}
/// </code>
/// Properties may come in any order and unknown properties are skipped, so that either side can add fields
/// without breaking the other: an older peer ignores what it does not know. A message that is not valid
/// JSON, is not an object, has an unknown <c>type</c> or lacks a required field is refused as a whole
/// (the <c>Try*</c> methods return <see langword="false"/>) and never throws. In a client message a field
/// of the wrong JSON type counts as absent, so that the server keeps its previous value.
/// <para>
/// Protocol v2 (<see cref="PresenceProtocolVersion.V2"/>) changes only the framing from server to client: each
/// frame is a JSON array of the v1 server messages above, in order, <c>[{"type":"cursor",…},{"type":"leave",…}]</c>.
/// A v1 peer never receives one, and a v2 client reads a lone object as a one-element frame.
/// </para>
/// </summary>
public static partial class PresenceProtocol
{
    /// <summary>The WebSocket subprotocol with which a client asks for <see cref="PresenceProtocolVersion.V2"/>.</summary>
    public const string V2SubProtocol = "presence.v2";
}
