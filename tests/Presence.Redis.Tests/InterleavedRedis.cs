using System.Reflection;
using StackExchange.Redis;

namespace Presence.Redis.Tests;

/// <summary>
/// A real Redis connection with one call that can be made to pause: once armed, the first call that matches completes,
/// then the test's action runs, and only then does the caller see the result. What another instance does in that
/// window lands between this instance's call and whatever it does next.
/// </summary>
internal sealed class InterleavedRedis
{
    private Func<string, object?[], bool>? _match;
    private Func<Task>? _action;

    public TaskCompletionSource Interleaved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Arm(Func<string, object?[], bool> match, Func<Task> action)
    {
        _action = action;
        Volatile.Write(ref _match, match);
    }

    /// <summary>Connects as the Redis options' connection factory would, through this interleaving.</summary>
    public async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions? configuration)
    {
        var inner = await ConnectionMultiplexer.ConnectAsync(configuration!);
        var proxy = DispatchProxy.Create<IConnectionMultiplexer, MultiplexerProxy>();
        ((MultiplexerProxy)(object)proxy).Initialize(inner, this);
        return proxy;
    }

    private bool TryTake(string method, object?[] args)
    {
        var match = Volatile.Read(ref _match);
        return match is not null && match(method, args) && Interlocked.CompareExchange(ref _match, null, match) == match;
    }

    private async Task<T> InterleaveAsync<T>(Task<T> call)
    {
        var result = await call;
        try
        {
            await _action!();
            Interleaved.TrySetResult();
        }
        catch (Exception ex)
        {
            Interleaved.TrySetException(ex);
        }

        return result;
    }

    internal object? Intercept(object target, MethodInfo method, object?[] args)
    {
        var result = method.Invoke(target, args);
        if (result is Task task && task.GetType().IsGenericType && TryTake(method.Name, args))
        {
            var type = method.ReturnType.GetGenericArguments()[0];
            return typeof(InterleavedRedis).GetMethod(nameof(InterleaveAsync), BindingFlags.NonPublic | BindingFlags.Instance)!
                .MakeGenericMethod(type)
                .Invoke(this, [result]);
        }

        return result;
    }

    /// <summary>Keys of a call: a single key, or the keys of a script.</summary>
    public static IEnumerable<RedisKey> KeysOf(object?[] args) =>
        args.SelectMany(a => a switch
        {
            RedisKey key => [key],
            RedisKey[] keys => keys,
            _ => Array.Empty<RedisKey>(),
        });

    /// <summary>Values of a call: a single value, or the arguments of a script.</summary>
    public static IEnumerable<RedisValue> ValuesOf(object?[] args) =>
        args.SelectMany(a => a switch
        {
            RedisValue value => [value],
            RedisValue[] values => values,
            _ => Array.Empty<RedisValue>(),
        });

#pragma warning disable CA1852 // DispatchProxy derives from the proxy type: it cannot be sealed.
    public class MultiplexerProxy : DispatchProxy
    {
        private IConnectionMultiplexer _inner = null!;
        private InterleavedRedis _owner = null!;

        internal void Initialize(IConnectionMultiplexer inner, InterleavedRedis owner)
        {
            _inner = inner;
            _owner = owner;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var result = targetMethod!.Invoke(_inner, args);
            if (result is IDatabase database)
            {
                var proxy = Create<IDatabase, DatabaseProxy>();
                ((DatabaseProxy)(object)proxy).Initialize(database, _owner);
                return proxy;
            }

            return result;
        }
    }

    public class DatabaseProxy : DispatchProxy
    {
        private IDatabase _inner = null!;
        private InterleavedRedis _owner = null!;

        internal void Initialize(IDatabase inner, InterleavedRedis owner)
        {
            _inner = inner;
            _owner = owner;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => _owner.Intercept(_inner, targetMethod!, args ?? []);
    }
#pragma warning restore CA1852
}
