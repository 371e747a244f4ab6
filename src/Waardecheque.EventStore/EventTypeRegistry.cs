using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Waardecheque.EventStore;

/// <summary>
/// Maps event types to the stable aliases stored in mt_events.type (Marten's event type mapping). The alias, never the
/// .NET type name, is what the log keeps, so types can be renamed or moved without rewriting history.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<Type, string> _aliasByType = [];
    private readonly Dictionary<string, Type> _typeByAlias = new(StringComparer.Ordinal);
    private volatile bool _frozen;

    /// <summary>How event bodies and headers are written: camelCase, enums as strings.</summary>
    public JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        // The JSON goes to jsonb, never into HTML, so escaping '<' or 'é' would only make rows longer.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public EventTypeRegistry Add<T>(string alias) where T : class => Add(typeof(T), alias);

    public EventTypeRegistry Add(Type eventType, string alias)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        // Registration happens at start-up; after the store exists the maps are read by many threads without locks.
        if (_frozen) throw new InvalidOperationException($"Register event type '{alias}' before DocumentStore.CreateAsync.");
        if (_typeByAlias.TryGetValue(alias, out var existing) && existing != eventType)
            throw new InvalidOperationException($"Event alias '{alias}' is already used by {existing.FullName}.");
        if (_aliasByType.TryGetValue(eventType, out var other) && other != alias)
            throw new InvalidOperationException($"{eventType.FullName} is already registered as '{other}'.");
        _aliasByType[eventType] = alias;
        _typeByAlias[alias] = eventType;
        return this;
    }

    public IReadOnlyCollection<Type> Types => _aliasByType.Keys;

    public bool TryGetAlias(Type eventType, out string alias) => _aliasByType.TryGetValue(eventType, out alias!);

    public bool TryGetType(string alias, out Type eventType) => _typeByAlias.TryGetValue(alias, out eventType!);

    /// <summary>The alias of a registered type; a clear error for a type nobody registered.</summary>
    public string AliasFor(Type eventType) =>
        _aliasByType.TryGetValue(eventType, out var alias)
            ? alias
            : throw new UnknownEventTypeException(eventType);

    public Type TypeFor(string alias) =>
        _typeByAlias.TryGetValue(alias, out var type)
            ? type
            : throw new InvalidOperationException($"No event type is registered for alias '{alias}'.");

    internal void Freeze() => _frozen = true;
}

/// <summary>An event of a type that was never registered with <see cref="EventTypeRegistry.Add{T}"/>.</summary>
public sealed class UnknownEventTypeException(Type eventType) : InvalidOperationException(
    $"Event type {eventType.FullName} is not registered. Register it at start-up: " +
    $"options.Events.Add<{eventType.Name}>(\"{eventType.Name.ToLowerInvariant()}\") with a stable alias.")
{
    public Type EventType { get; } = eventType;
}
