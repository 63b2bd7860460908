using System.Text.Json;

namespace Presence.Internal;

/// <summary>The property names and type values of the wire format, encoded once.</summary>
internal static class ProtocolNames
{
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    public static readonly JsonEncodedText Color = JsonEncodedText.Encode("color");
    public static readonly JsonEncodedText X = JsonEncodedText.Encode("x");
    public static readonly JsonEncodedText Y = JsonEncodedText.Encode("y");
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText User = JsonEncodedText.Encode("user");
    public static readonly JsonEncodedText Users = JsonEncodedText.Encode("users");
    public static readonly JsonEncodedText SelfId = JsonEncodedText.Encode("selfId");
    public static readonly JsonEncodedText StateStore = JsonEncodedText.Encode("stateStore");
    public static readonly JsonEncodedText ResumeToken = JsonEncodedText.Encode("resumeToken");
    public static readonly JsonEncodedText UpdatedAt = JsonEncodedText.Encode("updatedAt");
    public static readonly JsonEncodedText State = JsonEncodedText.Encode("state");
    public static readonly JsonEncodedText Info = JsonEncodedText.Encode("info");
    public static readonly JsonEncodedText Set = JsonEncodedText.Encode("set");
    public static readonly JsonEncodedText Replace = JsonEncodedText.Encode("replace");
    public static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");

    public static readonly JsonEncodedText HelloType = JsonEncodedText.Encode("hello");
    public static readonly JsonEncodedText CursorType = JsonEncodedText.Encode("cursor");
    public static readonly JsonEncodedText SnapshotType = JsonEncodedText.Encode("snapshot");
    public static readonly JsonEncodedText PresenceType = JsonEncodedText.Encode("presence");
    public static readonly JsonEncodedText LeaveType = JsonEncodedText.Encode("leave");
    public static readonly JsonEncodedText StateType = JsonEncodedText.Encode("state");
    public static readonly JsonEncodedText EventType = JsonEncodedText.Encode("event");
}
