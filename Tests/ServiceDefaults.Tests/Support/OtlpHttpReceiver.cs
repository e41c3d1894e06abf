using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults.Tests.Support;

/// <summary>
/// The smallest OTLP/HTTP collector: keeps each protobuf payload by signal and answers with an empty (valid)
/// Export*ServiceResponse. Tests look for known strings in the payloads; protobuf stores strings verbatim.
/// </summary>
internal sealed class OtlpHttpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Signal, byte[] Payload)> _payloads = new();
    private LoopbackApp? _app;

    public Uri Endpoint => _app!.BaseAddress;

    public static async Task<OtlpHttpReceiver> StartAsync()
    {
        var receiver = new OtlpHttpReceiver();
        receiver._app = await LoopbackApp.StartAsync("otlp-receiver", receiver.Map, serviceDefaults: false);
        return receiver;
    }

    /// <summary>All payloads of a signal ("traces", "metrics", "logs") decoded as Latin-1 text, for searching.</summary>
    public string Text(string signal) =>
        string.Concat(_payloads.Where(p => p.Signal == signal).Select(p => Encoding.Latin1.GetString(p.Payload)));

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private void Map(WebApplication app) =>
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            _payloads.Enqueue((signal, buffer.ToArray()));
            return Results.Bytes([], "application/x-protobuf");
        });
}
