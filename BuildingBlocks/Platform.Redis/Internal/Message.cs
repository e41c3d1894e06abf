using System.Buffers;
using Platform.Redis.Protocol;

namespace Platform.Redis.Internal;

/// <summary>One command on its way to the server: its encoded bytes, its deadline, and what to do with the reply.</summary>
internal interface IMessage
{
    CommandName Command { get; }

    bool IsCompleted { get; }

    /// <summary>The caller's task.</summary>
    Task Completion { get; }

    /// <summary>Stopwatch timestamp of submission.</summary>
    long StartTimestamp { get; }

    /// <summary>Stopwatch timestamp after which the command times out.</summary>
    long Deadline { get; }

    long TimeoutTicks { get; }

    ReadOnlySpan<byte> Payload { get; }

    /// <summary>Stamps the submission time; the deadline starts counting here.</summary>
    void Stamp(long now);

    void ReleasePayload();

    /// <summary>Completes the command with a reply frame (<see cref="RespScanner"/> found it complete).</summary>
    void Complete(in ReadOnlySequence<byte> frame);

    void Fail(Exception exception);
}

/// <summary>
/// A command and the task its caller awaits. Deriving from <see cref="TaskCompletionSource{T}"/> keeps it to two
/// allocations (this and its task) per command; the encoded command lives in a pooled buffer.
/// </summary>
internal sealed class Message<T> : TaskCompletionSource<T>, IMessage
{
    private readonly ResultProcessor<T> _processor;
    private byte[]? _payload;
    private readonly int _payloadLength;
    private CancellationTokenRegistration _registration;

    public Message(CommandName command, byte[] payload, int payloadLength, ResultProcessor<T> processor, long timeoutTicks)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Command = command;
        _payload = payload;
        _payloadLength = payloadLength;
        _processor = processor;
        TimeoutTicks = timeoutTicks;
    }

    public CommandName Command { get; }

    public bool IsCompleted => Task.IsCompleted;

    public Task Completion => Task;

    public long StartTimestamp { get; private set; }

    public long Deadline { get; private set; }

    public long TimeoutTicks { get; set; }

    public ReadOnlySpan<byte> Payload => _payload.AsSpan(0, _payloadLength);

    public void Stamp(long now)
    {
        StartTimestamp = now;
        Deadline = now + TimeoutTicks;
    }

    public void Register(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((Message<T>)state!).TrySetCanceled(token), this);
        }
    }

    public void ReleasePayload()
    {
        var payload = Interlocked.Exchange(ref _payload, null);
        if (payload is not null)
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    public void Complete(in ReadOnlySequence<byte> frame)
    {
        if (Task.IsCompleted)
        {
            return; // cancelled or timed out: the reply is consumed and dropped, keeping later replies matched
        }

        try
        {
            var reader = new RespReader(frame);
            if (reader.PeekType() == (byte)'-')
            {
                reader.ReadType();
                TrySetException(new RedisServerException(reader.ReadLine()));
            }
            else
            {
                TrySetResult(_processor.Parse(ref reader));
            }
        }
        catch (Exception ex)
        {
            TrySetException(ex);
        }

        _registration.Unregister();
    }

    public void Fail(Exception exception)
    {
        if (TrySetException(exception))
        {
            _registration.Unregister();
        }
    }
}
