namespace Presence;

/// <summary>
/// Turns a frame's payload into the bytes a transport writes, such as a WebSocket frame header and the payload,
/// compressed or not. <see cref="PresenceFrame.GetEncoded"/> calls it once per frame and shares the result.
/// </summary>
public interface IPresenceFrameEncoder
{
    /// <summary>Encodes a payload.</summary>
    /// <param name="payload">The frame's payload; never change it.</param>
    /// <returns>The bytes to write; they are shared by every connection that sends the frame, so never change them.</returns>
    ReadOnlyMemory<byte> Encode(ReadOnlyMemory<byte> payload);
}
