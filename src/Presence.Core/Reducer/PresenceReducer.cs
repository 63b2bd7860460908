using System.Collections.Immutable;

namespace Presence;

/// <summary>
/// Folds server messages into a roster: the C# twin of the npm client's <c>reducePresence</c> (clients/typescript), for .NET clients and tests.
/// </summary>
public static class PresenceReducer
{
    /// <summary>Gets the roster before any message: nobody.</summary>
    public static ImmutableDictionary<string, PresenceUser> Empty { get; } = ImmutableDictionary.Create<string, PresenceUser>(StringComparer.Ordinal);

    /// <summary>
    /// Applies one message: a snapshot replaces the roster, <c>presence</c> and <c>cursor</c> insert or replace
    /// their user (a <c>cursor</c> keeps the user's state and info, which it does not carry), and <c>leave</c> removes its user unless that user is the receiver itself.
    /// </summary>
    /// <param name="roster">The roster so far, by user id.</param>
    /// <param name="message">The message received.</param>
    /// <param name="selfId">The receiver's own id, which a <c>leave</c> never removes.</param>
    /// <returns>The new roster; <paramref name="roster"/> itself when nothing changed.</returns>
    public static ImmutableDictionary<string, PresenceUser> Reduce(
        ImmutableDictionary<string, PresenceUser> roster,
        ServerMessage message,
        string selfId)
    {
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(message);

        switch (message)
        {
            case SnapshotMessage snapshot:
                var builder = Empty.ToBuilder();
                foreach (var user in snapshot.Users)
                {
                    builder[user.Id] = user;
                }

                return builder.ToImmutable();
            case PresenceMessage presence:
                return roster.SetItem(presence.User.Id, presence.User);
            case CursorMessage cursor:
                // A cursor carries no state or info: the participant keeps what its last presence said.
                return roster.SetItem(
                    cursor.User.Id,
                    roster.TryGetValue(cursor.User.Id, out var known) ? cursor.User with { State = known.State, Info = known.Info } : cursor.User);
            case LeaveMessage leave when leave.Id != selfId:
                return roster.Remove(leave.Id);
            default:
                return roster;
        }
    }
}
