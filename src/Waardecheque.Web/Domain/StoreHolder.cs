using Waardecheque.EventStore;
using Waardecheque.Web.Errors;

namespace Waardecheque.Web.Domain;

/// <summary>
/// The app's one <see cref="DocumentStore"/>. It is created by a startup task (schema first), so until PostgreSQL
/// has answered once the store is not there and requests that need it get a clean 503.
/// </summary>
public sealed class StoreHolder
{
    private volatile DocumentStore? _store;

    public DocumentStore Store => _store ?? throw new ApiProblemException(503, "unavailable",
        "De database is nog niet bereikbaar. Probeer het zo nog eens.") { RetryAfter = TimeSpan.FromSeconds(5) };

    public bool IsReady => _store is not null;

    internal void Set(DocumentStore store) => _store = store;
}
