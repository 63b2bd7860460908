namespace Presence.Testing;

/// <summary>A real three-node Redis Cluster on loopback (no replicas), formed with <c>redis-cli --cluster create</c>.</summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private readonly RedisServer[] _nodes;

    private RedisCluster(RedisServer[] nodes) => _nodes = nodes;

    public string ConnectionString => string.Join(',', _nodes.Select(n => n.ConnectionString));

    public static async Task<RedisCluster> StartAsync()
    {
        var nodes = new List<RedisServer>();
        for (var i = 0; i < 3; i++)
        {
            var port = RedisServer.FreePort();
            nodes.Add(await RedisServer.StartAsync($"--cluster-enabled yes --cluster-config-file nodes-{port}.conf --cluster-node-timeout 5000"));
        }

        var cluster = new RedisCluster([.. nodes]);
        await RedisServer.RunAsync("redis-cli", $"--cluster create {string.Join(' ', nodes.Select(n => n.ConnectionString))} --cluster-replicas 0 --cluster-yes");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await AllReadyAsync(nodes))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The Redis cluster never became ready.");
            }

            await Task.Delay(100);
        }

        return cluster;
    }

    // Every node must see every slot served before the cluster takes commands everywhere.
    private static async Task<bool> AllReadyAsync(List<RedisServer> nodes)
    {
        foreach (var node in nodes)
        {
            var info = await node.CliAsync("cluster info");
            if (!info.Contains("cluster_state:ok", StringComparison.Ordinal) || !info.Contains("cluster_slots_ok:16384", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
