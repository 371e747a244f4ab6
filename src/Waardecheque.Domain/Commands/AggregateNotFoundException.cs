namespace Waardecheque.Domain;

/// <summary>
/// A command named a stream that does not exist; the web layer answers 404 not_found. Asking again does not make it
/// exist, so a follow-up that names one goes to the dead letters at once (<see cref="IPermanentError"/>).
/// </summary>
public sealed class AggregateNotFoundException(Type aggregateType, Guid id)
    : Exception($"{aggregateType.Name} {id} does not exist."), IPermanentError
{
    public Type AggregateType { get; } = aggregateType;
    public Guid Id { get; } = id;
}
