using System.Collections.Concurrent;
using System.Reflection;

namespace Waardecheque.Domain;

/// <summary>
/// Folds events into an aggregate through the aggregate's own <c>Create</c>/<c>Apply</c> methods: the methods Marten's
/// source generator folds by, so pure tests and the few places that replay a stream by hand cannot drift from the store.
/// A public static <c>Create(TEvent)</c> starts a stream (state null); a public instance <c>Apply(TEvent)</c> moves it
/// on. Anything else throws, as an unknown event is a bug. The method table is read once per aggregate type and cached.
/// Like Marten, the fold (not Apply) moves the aggregate's <c>long Version</c>: one more per event folded (Marten writes
/// the event's stream version, which is the same number when a whole stream is folded from its first event).
/// (Not named Evolve: Marten's source generator takes a static Evolve on an aggregate for its own convention,
/// CRITTER-NOTES trap 2; this type is no aggregate, but the name stays out of the way.)
/// </summary>
public static class AggregateFold
{
    private sealed record Table(
        IReadOnlyDictionary<Type, Func<object, object>> Creates,
        IReadOnlyDictionary<Type, Func<object, object, object>> Applies,
        PropertyInfo? Version,
        MethodInfo? Copy);

    private static readonly ConcurrentDictionary<Type, Table> Tables = new();

    /// <summary>Folds one event into <paramref name="state"/> (null before the stream's first event).</summary>
    public static T Next<T>(T? state, object evt) where T : class => (T)Next(typeof(T), state, evt);

    /// <summary>Folds events in order, from <paramref name="state"/> (null for a whole stream).</summary>
    public static T? All<T>(T? state, IEnumerable<object> events) where T : class =>
        events.Aggregate(state, (s, e) => Next(s, e));

    /// <summary>Folds one event into an aggregate of <paramref name="aggregateType"/>, whatever its type.</summary>
    public static object Next(Type aggregateType, object? state, object evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var table = TableOf(aggregateType);
        var eventType = evt.GetType();
        if (state is null && table.Creates.TryGetValue(eventType, out var create)) return Versioned(table, null, create(evt));
        if (state is not null && table.Applies.TryGetValue(eventType, out var apply)) return Versioned(table, state, apply(state, evt));
        throw new InvalidOperationException($"{aggregateType.Name} cannot apply {eventType.Name} in this state.");
    }

    /// <summary>The event types that start a stream of <paramref name="aggregateType"/> (its Create methods).</summary>
    public static IReadOnlyCollection<Type> CreatedBy(Type aggregateType) => TableOf(aggregateType).Creates.Keys.ToList();

    /// <summary>The event types an existing <paramref name="aggregateType"/> folds (its Apply methods).</summary>
    public static IReadOnlyCollection<Type> AppliedBy(Type aggregateType) => TableOf(aggregateType).Applies.Keys.ToList();

    private static object Versioned(Table table, object? before, object after)
    {
        if (table.Version is null) return after;
        // An Apply that changes nothing returns the same instance: copy it (the record's own clone) before moving its version.
        if (ReferenceEquals(before, after)) after = table.Copy!.Invoke(after, null)!;
        table.Version.SetValue(after, (before is null ? 0 : (long)table.Version.GetValue(before)!) + 1);
        return after;
    }

    private static Table TableOf(Type aggregateType) => Tables.GetOrAdd(aggregateType, Read);

    private static Table Read(Type aggregateType)
    {
        var creates = new Dictionary<Type, Func<object, object>>();
        var applies = new Dictionary<Type, Func<object, object, object>>();
        foreach (var method in aggregateType.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        {
            var parameters = method.GetParameters();
            if (parameters.Length != 1 || method.ReturnType != aggregateType) continue;
            var eventType = parameters[0].ParameterType;
            if (method.IsStatic && method.Name == "Create")
            {
                var create = method.CreateDelegate(typeof(Func<,>).MakeGenericType(eventType, aggregateType));
                creates.Add(eventType, CreateThunk(eventType, aggregateType, create));
            }
            else if (!method.IsStatic && method.Name == "Apply")
            {
                var apply = method.CreateDelegate(typeof(Func<,,>).MakeGenericType(aggregateType, eventType, aggregateType));
                applies.Add(eventType, ApplyThunk(eventType, aggregateType, apply));
            }
        }
        if (creates.Count == 0)
            throw new ArgumentException($"{aggregateType.Name} has no public static Create(event) returning itself: it is no aggregate.", nameof(aggregateType));
        var version = aggregateType.GetProperty("Version", BindingFlags.Public | BindingFlags.Instance);
        if (version is null || version.PropertyType != typeof(long) || !version.CanWrite) version = null;
        var clone = aggregateType.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance);
        if (version is not null && clone is null)
            throw new ArgumentException($"{aggregateType.Name} has a Version but is no record: the fold cannot copy it.", nameof(aggregateType));
        return new Table(creates, applies, version, clone);
    }

    private static Func<object, object> CreateThunk(Type eventType, Type aggregateType, Delegate create) =>
        (Func<object, object>)typeof(AggregateFold).GetMethod(nameof(Creating), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(eventType, aggregateType).Invoke(null, [create])!;

    private static Func<object, object, object> ApplyThunk(Type eventType, Type aggregateType, Delegate apply) =>
        (Func<object, object, object>)typeof(AggregateFold).GetMethod(nameof(Applying), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(eventType, aggregateType).Invoke(null, [apply])!;

    // Typed closures over the aggregate's own methods: after the one reflective look-up, a fold is a plain delegate call.
    private static Func<object, object> Creating<TEvent, T>(Func<TEvent, T> create) where T : class =>
        evt => create((TEvent)evt);

    private static Func<object, object, object> Applying<TEvent, T>(Func<T, TEvent, T> apply) where T : class =>
        (state, evt) => apply((T)state, (TEvent)evt);
}
