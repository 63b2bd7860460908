using System.Buffers;
using System.Text.Json;

namespace Presence.Internal;

/// <summary>One reusable <see cref="Utf8JsonWriter"/> per thread, so that encoding allocates no writer.</summary>
internal static class JsonWriterCache
{
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static Utf8JsonWriter Rent(IBufferWriter<byte> output)
    {
        var writer = t_writer;
        if (writer is null)
        {
            return new Utf8JsonWriter(output);
        }

        t_writer = null;
        writer.Reset(output);
        return writer;
    }

    // The caller flushes what it wants kept; a writer returned after a failure loses its pending bytes here.
    public static void Return(Utf8JsonWriter writer)
    {
        // Drops the reference to the caller's buffer so that the cache keeps nothing alive.
        writer.Reset();
        t_writer = writer;
    }
}
