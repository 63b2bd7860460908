using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Presence.AspNetCore.Internal;

namespace Presence.AspNetCore.Tests.Internal;

public sealed class PerMessageDeflateNegotiationTests
{
    private const string Accepted = PerMessageDeflateNegotiation.Response;

    [Theory]
    [InlineData("permessage-deflate", Accepted)]
    [InlineData("permessage-deflate; client_max_window_bits", Accepted)]
    [InlineData("PerMessage-Deflate; Client_Max_Window_Bits=10", Accepted)]
    [InlineData("permessage-deflate; server_no_context_takeover; client_no_context_takeover", Accepted)]
    [InlineData("permessage-deflate; server_max_window_bits=15", Accepted + "; server_max_window_bits=15")]
    [InlineData("permessage-deflate; server_max_window_bits=\"15\"", Accepted + "; server_max_window_bits=15")]
    [InlineData("permessage-deflate; server_max_window_bits=10, permessage-deflate", Accepted)]
    [InlineData("x-webkit-deflate-frame, permessage-deflate; client_max_window_bits", Accepted)]
    public void AnOfferItCanHonour_IsAccepted(string offer, string response)
    {
        Assert.True(PerMessageDeflateNegotiation.TryNegotiate([offer], out var answer));
        Assert.Equal(response, answer);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x-webkit-deflate-frame")]
    [InlineData("permessage-deflate; server_max_window_bits=10")]
    [InlineData("permessage-deflate; server_max_window_bits")]
    [InlineData("permessage-deflate; server_max_window_bits=16")]
    [InlineData("permessage-deflate; client_max_window_bits=7")]
    [InlineData("permessage-deflate; client_max_window_bits=abc")]
    [InlineData("permessage-deflate; server_no_context_takeover=1")]
    [InlineData("permessage-deflate; client_no_context_takeover; client_no_context_takeover")]
    [InlineData("permessage-deflate; mystery")]
    public void AnOfferItCannotHonour_IsDeclined(string offer) =>
        Assert.False(PerMessageDeflateNegotiation.TryNegotiate([offer], out _));

    [Fact]
    public void OffersSplitOverHeaders_AreReadInOrder()
    {
        Assert.True(PerMessageDeflateNegotiation.TryNegotiate([null, "permessage-deflate; server_max_window_bits=9", "permessage-deflate; server_max_window_bits=15"], out var answer));
        Assert.Equal(Accepted + "; server_max_window_bits=15", answer);
    }

    [Property(MaxTest = 2_000)]
    public Property AnyHeaderText_NeverThrows_AndAnAnswerIsAlwaysWithoutContextTakeover(string? header)
    {
        var accepted = PerMessageDeflateNegotiation.TryNegotiate([header], out var answer);
        return (!accepted || answer.StartsWith(Accepted, StringComparison.Ordinal)).ToProperty();
    }
}
