using Microsoft.Extensions.Logging;

namespace Platform.Messaging.Inbox;

/// <summary>What the inboxes log. A dropped duplicate is Debug: it is counted (<c>platform.inbox.duplicates</c>), and a
/// redelivery storm after a broker restart must not flood the logs; a test or an operator chasing one message turns
/// the category up (<c>Logging__LogLevel__Platform.Messaging.Inbox=Debug</c>).</summary>
public static partial class InboxLog
{
    public const string Category = "Platform.Messaging.Inbox";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped {MessageType} {MessageId}: {Consumer} consumed it already")]
    public static partial void Dropped(ILogger logger, string messageType, Guid messageId, string consumer);
}
