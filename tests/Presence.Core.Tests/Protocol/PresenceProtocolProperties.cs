using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Presence.Tests.Protocol;

public sealed class PresenceProtocolProperties
{
    private const int Cases = 2_000;

    [Property(MaxTest = Cases, Arbitrary = [typeof(Arbitraries)])]
    public bool EveryServerMessage_RoundTrips(ServerMessage message)
    {
        var bytes = Write(message);
        return PresenceProtocol.TryParseServerMessage(bytes, out var parsed) && parsed.Equals(message);
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(Arbitraries)])]
    public bool EveryClientMessage_RoundTrips(ClientMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        PresenceProtocol.WriteClientMessage(message, buffer);
        return PresenceProtocol.TryParseClientMessage(buffer.WrittenSpan, out var parsed) && parsed.Equals(message);
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(Arbitraries)])]
    public bool ServerMessages_SplitIntoChunks_ParseAsWhole(ServerMessage message, int[] cuts)
    {
        var bytes = Write(message);
        return PresenceProtocol.TryParseServerMessage(SegmentedSequence.Create(bytes, cuts ?? []), out var parsed) && parsed.Equals(message);
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(Arbitraries)])]
    public bool ClientMessages_SplitIntoChunks_ParseAsWhole(ClientMessage message, int[] cuts)
    {
        var buffer = new ArrayBufferWriter<byte>();
        PresenceProtocol.WriteClientMessage(message, buffer);
        return PresenceProtocol.TryParseClientMessage(SegmentedSequence.Create(buffer.WrittenSpan.ToArray(), cuts ?? []), out var parsed)
            && parsed.Equals(message);
    }

    [Property(MaxTest = 10_000)]
    public bool ArbitraryBytes_NeverThrow_AndParseTheSameInChunks(byte[] bytes, int[] cuts)
    {
        bytes ??= [];
        var sequence = SegmentedSequence.Create(bytes, cuts ?? []);
        return PresenceProtocol.TryParseClientMessage(bytes, out var wholeClient) == PresenceProtocol.TryParseClientMessage(sequence, out var chunkedClient)
            && wholeClient.Equals(chunkedClient)
            && PresenceProtocol.TryParseServerMessage(bytes, out var wholeServer) == PresenceProtocol.TryParseServerMessage(sequence, out var chunkedServer)
            && Equals(wholeServer, chunkedServer);
    }

    [Property(MaxTest = 10_000)]
    public Property JsonLikeText_NeverThrows_AndParsesTheSameInChunks() =>
        Prop.ForAll(Arbitraries.JsonLike.ToArbitrary(), ArbMap.Default.ArbFor<int[]>(), (text, cuts) =>
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var sequence = SegmentedSequence.Create(bytes, cuts ?? []);
            var client = PresenceProtocol.TryParseClientMessage(bytes, out var wholeClient);
            var server = PresenceProtocol.TryParseServerMessage(bytes, out var wholeServer);
            return client == PresenceProtocol.TryParseClientMessage(sequence, out var chunkedClient)
                && wholeClient.Equals(chunkedClient)
                && server == PresenceProtocol.TryParseServerMessage(sequence, out var chunkedServer)
                && Equals(wholeServer, chunkedServer);
        });

    private static byte[] Write(ServerMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        PresenceProtocol.WriteServerMessage(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
