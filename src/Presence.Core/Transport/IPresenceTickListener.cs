namespace Presence;

/// <summary>
/// Runs at the start of each engine tick, before the tick builds its frames. A protocol v2 client's messages reach the
/// others only in the next tick's frame, so a transport may let them wait in its buffer and hand them all to the engine
/// here, in time for this tick, instead of waking a thread for each: the WebSocket endpoint reads its v2 connections
/// this way. Register implementations with the engine (with dependency injection, as <c>IPresenceTickListener</c>
/// services).
/// </summary>
public interface IPresenceTickListener
{
    /// <summary>
    /// Called on the tick's own thread, never concurrently with itself. What it hands to the engine before it completes
    /// is in this tick's frames. A failure is logged and the ticks go on.
    /// </summary>
    /// <returns>A task that completes when the listener is done for this tick.</returns>
    ValueTask OnTickStartingAsync();
}
