using Waardecheque.ReadModels;
using Waardecheque.Web.Errors;

namespace Waardecheque.Web.Store;

/// <summary>
/// The app's one <see cref="WaardechequeStore"/>. It is created by a startup task (schema first), so until PostgreSQL
/// has answered once the store is not there and requests that need it get a clean 503.
/// </summary>
public sealed class StoreHolder
{
    private volatile WaardechequeStore? _store;

    public WaardechequeStore Store => _store ?? throw new ApiProblemException(503, ProblemCodes.Unavailable,
        "De database is nog niet bereikbaar. Probeer het zo nog eens.") { RetryAfter = TimeSpan.FromSeconds(5) };

    public bool IsReady => _store is not null;

    internal void Set(WaardechequeStore store) => _store = store;
}
