using Microsoft.Extensions.Time.Testing;
using Presence.Internal;

namespace Presence.Core.Tests.Internal;

public sealed class MemoryTrimTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AMassDeparture_Trims_OnceItHasSettled_AndNotAgainWithinTheInterval()
    {
        var trim = new MemoryTrim(1_000, _time);
        Assert.False(trim.ShouldTrim(2_000, out _));
        Assert.False(trim.ShouldTrim(0, out _));
        _time.Advance(MemoryTrim.SettleTime);
        Assert.True(trim.ShouldTrim(0, out var departed));
        Assert.Equal(2_000, departed);

        // Another round at once waits for the interval.
        Assert.False(trim.ShouldTrim(2_000, out _));
        Assert.False(trim.ShouldTrim(0, out _));
        _time.Advance(MemoryTrim.SettleTime);
        Assert.False(trim.ShouldTrim(0, out _));
        _time.Advance(MemoryTrim.MinimumInterval);
        Assert.True(trim.ShouldTrim(0, out _));
    }

    [Fact]
    public void FewDepartures_OrMostConnectionsStaying_NeverTrim()
    {
        var trim = new MemoryTrim(1_000, _time);
        Assert.False(trim.ShouldTrim(900, out _));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(trim.ShouldTrim(0, out _));

        // 1,500 of 4,000 gone: most stay.
        Assert.False(trim.ShouldTrim(4_000, out _));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(trim.ShouldTrim(2_500, out _));
    }

    [Fact]
    public void ADropThatComesBack_BeforeItSettles_DoesNotTrim()
    {
        var trim = new MemoryTrim(1_000, _time);
        trim.ShouldTrim(2_000, out _);
        trim.ShouldTrim(100, out _);
        _time.Advance(MemoryTrim.SettleTime / 2);
        Assert.False(trim.ShouldTrim(1_900, out _));
        _time.Advance(MemoryTrim.SettleTime);
        Assert.False(trim.ShouldTrim(100, out _));
    }

    [Fact]
    public void Zero_TurnsItOff()
    {
        var trim = new MemoryTrim(0, _time);
        trim.ShouldTrim(20_000, out _);
        trim.ShouldTrim(0, out _);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(trim.ShouldTrim(0, out _));
    }
}
