using System.Reflection;
using Npgsql;

namespace Waardecheque.Messaging;

/// <summary>
/// The handlers the pipeline knows (Wolverine's handler discovery): every public static class with a public static
/// <c>Handle</c> that returns <see cref="Events"/>, one handler per command type. Also holds the loaders for
/// aggregate lists and the providers of other values a handler asks for.
/// </summary>
public sealed class HandlerRegistry
{
    /// <summary>Finds the ids of a list of aggregates for a command, given the aggregates loaded so far.</summary>
    public delegate Task<IReadOnlyList<Guid>> ListLoader(object command, IReadOnlyList<object> loaded, NpgsqlDataSource db, CancellationToken ct);

    private readonly Dictionary<Type, HandlerDescriptor> _handlers = [];
    private readonly Dictionary<string, Type> _messageTypes = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _messageNames = [];
    private readonly Dictionary<Type, ListLoader> _listLoaders = [];
    private readonly Dictionary<Type, Func<object>> _providers = [];

    public HandlerRegistry Discover(Assembly assembly)
    {
        var handlerClasses = assembly.GetExportedTypes().Where(t => t is { IsAbstract: true, IsSealed: true });
        foreach (var method in handlerClasses.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)))
        {
            if (HandlerDescriptor.TryCreate(method) is not { } descriptor) continue;
            if (_handlers.TryGetValue(descriptor.CommandType, out var other))
                throw new InvalidOperationException(
                    $"{descriptor.CommandType.Name} has two handlers: {other.Handle.DeclaringType!.Name} and {method.DeclaringType!.Name}.");
            _handlers[descriptor.CommandType] = descriptor;
            if (!_messageTypes.TryAdd(descriptor.CommandType.Name, descriptor.CommandType))
                throw new InvalidOperationException($"Two message types are named {descriptor.CommandType.Name}.");
        }
        return this;
    }

    public HandlerRegistry LoadListWith<TAggregate>(ListLoader loader) where TAggregate : class
    {
        _listLoaders[typeof(TAggregate)] = loader;
        return this;
    }

    public HandlerRegistry Provide<T>(Func<T> value) where T : notnull
    {
        _providers[typeof(T)] = () => value();
        return this;
    }

    /// <summary>
    /// Stable names for messages that wait in the outbox (Wolverine's message type aliases). A scheduled message may
    /// wait for months (a program's close), so its row must not depend on a .NET type name that a refactoring renames.
    /// Rows stored under the type's own name are still understood.
    /// </summary>
    public HandlerRegistry NameMessages(IEnumerable<(Type Type, string Name)> names)
    {
        foreach (var (type, name) in names)
        {
            if (_messageTypes.TryGetValue(name, out var other) && other != type)
                throw new InvalidOperationException($"The message name {name} is taken by {other.Name}.");
            _messageNames[type] = name;
            _messageTypes[name] = type;
        }
        return this;
    }

    public IReadOnlyCollection<Type> CommandTypes => _handlers.Keys;

    internal HandlerDescriptor For(Type commandType) =>
        _handlers.TryGetValue(commandType, out var d)
            ? d
            : throw new InvalidOperationException($"No handler for {commandType.Name}. Is its assembly discovered?");

    internal ListLoader ListLoaderFor(Type aggregateType) =>
        _listLoaders.TryGetValue(aggregateType, out var l)
            ? l
            : throw new InvalidOperationException($"No list loader for {aggregateType.Name}: register one with LoadListWith.");

    internal object Provided(Type type) =>
        _providers.TryGetValue(type, out var p)
            ? p()
            : throw new InvalidOperationException($"Nothing provides a {type.Name}: register it with Provide.");

    /// <summary>The stable name a message is stored under in the outbox (and recorded as the causation of its events).</summary>
    internal string MessageName(Type type) => _messageNames.TryGetValue(type, out var name) ? name : type.Name;

    internal Type MessageType(string name) =>
        _messageTypes.TryGetValue(name, out var t) ? t : throw new InvalidOperationException($"Unknown message type {name}.");
}
