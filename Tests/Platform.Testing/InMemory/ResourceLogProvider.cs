using Microsoft.Extensions.Logging;

namespace Platform.Testing.InMemory;

/// <summary>Writes an in-memory service's log lines where a process's console lines go (<see cref="PlatformApp.Logs"/>),
/// filtered by the service's own <c>Logging</c> settings as its console is.</summary>
internal sealed class ResourceLogProvider(ResourceLog log) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, log);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ResourceLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = $"{logLevel}: {category}[{eventId.Id}] {formatter(state, exception)}";
            log.Add(exception is null ? text : $"{text}\n{exception}", logLevel >= LogLevel.Error);
        }
    }
}
