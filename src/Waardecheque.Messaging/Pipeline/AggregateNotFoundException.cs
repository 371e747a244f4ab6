namespace Waardecheque.Messaging;

/// <summary>A command named a stream that does not exist; the web layer answers 404 not_found.</summary>
public sealed class AggregateNotFoundException(Type aggregateType, Guid id)
    : Exception($"{aggregateType.Name} {id} does not exist.")
{
    public Type AggregateType { get; } = aggregateType;
    public Guid Id { get; } = id;
}
