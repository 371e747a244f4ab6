using Marten;

namespace Waardecheque.ReadModels;

/// <summary>
/// Writes the session's actor (<c>LastModifiedBy</c>, e.g. <c>staff:{id}</c>) into every event's <c>user_name</c>.
/// Marten 9.62's quick append writes each event's own <c>UserName</c> and, unlike its rich append, never fills it from
/// the session (found here: the column stayed empty), so this listener does it just before the commit.
/// </summary>
public sealed class ActorStamp : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        if (session.LastModifiedBy is { } actor)
            foreach (var stream in session.PendingChanges.Streams())
                foreach (var e in stream.Events)
                    e.UserName ??= actor;
        return Task.CompletedTask;
    }
}
