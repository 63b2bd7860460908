using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Presence.Redis.Tests;

public sealed class RedisUrlTests
{
    [Fact]
    public void APlainUrl_GivesHostPortAndDatabase()
    {
        var options = RedisUrl.Parse("redis://cache.internal:6380/2");
        var endpoint = Assert.IsType<DnsEndPoint>(Assert.Single(options.EndPoints));
        Assert.Equal(("cache.internal", 6380), (endpoint.Host, endpoint.Port));
        Assert.Equal(2, options.DefaultDatabase);
        Assert.False(options.Ssl);
        Assert.False(options.AbortOnConnectFail);
    }

    [Fact]
    public void UserAndPassword_AreDecoded_AndRedissTurnsTlsOn()
    {
        var options = RedisUrl.Parse("rediss://default:p%40ss%3Aword@example.upstash.io:6379");
        Assert.True(options.Ssl);
        Assert.Equal("default", options.User);
        Assert.Equal("p@ss:word", options.Password);
        Assert.Equal("example.upstash.io", options.SslHost);
    }

    [Fact]
    public void ALoneUserInfo_IsThePassword_AndThePortDefaultsTo6379()
    {
        var options = RedisUrl.Parse("redis://secret@127.0.0.1");
        Assert.Equal("secret", options.Password);
        Assert.Null(options.User);
        var endpoint = Assert.IsType<IPEndPoint>(Assert.Single(options.EndPoints));
        Assert.Equal(6379, endpoint.Port);
    }

    [Theory]
    [InlineData("http://localhost:6379")]
    [InlineData("localhost:6379")]
    [InlineData("redis://")]
    [InlineData("redis://localhost:6379/zero")]
    public void NotARedisUrl_IsRefused(string value) => Assert.Throws<FormatException>(() => RedisUrl.Parse(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void AddRedis_WithAnUnsetValue_SaysWhatIsMissing(string? unset)
    {
        var presence = new ServiceCollection().AddPresence();
        var error = Assert.Throws<ArgumentException>(() => presence.AddRedis(unset));
        Assert.Contains("REDIS_URL", error.Message, StringComparison.Ordinal);
    }
}
