namespace Waardecheque.Domain;

/// <summary>
/// Who sends a command and in which conversation. The actor is recorded on every event the command appends
/// (mt_events.user_name), e.g. "staff:{id}", "cheque:{id}" or "system:scheduler".
/// </summary>
public sealed record MessageContext(string Actor, string? CorrelationId = null, IReadOnlyDictionary<string, object>? Headers = null)
{
    public static MessageContext System(string what) => new($"system:{what}");
}
