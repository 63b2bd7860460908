using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Presence.Testing;

/// <summary>Keeps what a server logs at or above a level, from every category, for a test to assert on.</summary>
public sealed class RecordingLoggerProvider(LogLevel minimum = LogLevel.Warning) : ILoggerProvider
{
    private const int Kept = 200;
    private readonly ConcurrentQueue<string> _entries = new();
    private int _count;
    private int _errors;

    /// <summary>Gets how many entries were logged at or above <see cref="LogLevel.Error"/>.</summary>
    public int ErrorCount => Volatile.Read(ref _errors);

    /// <summary>Gets the first entries logged, with their category, level and exception.</summary>
    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName, minimum);

    public void Dispose()
    {
    }

    private void Record(string category, LogLevel level, string message, Exception? exception)
    {
        if (level >= LogLevel.Error)
        {
            Interlocked.Increment(ref _errors);
        }

        if (Interlocked.Increment(ref _count) <= Kept)
        {
            _entries.Enqueue($"{level} {category}: {message}{(exception is null ? "" : Environment.NewLine + exception)}");
        }
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Record(category, logLevel, formatter(state, exception), exception);
            }
        }
    }
}
