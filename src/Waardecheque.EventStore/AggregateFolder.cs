using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace Waardecheque.EventStore;

/// <summary>
/// Folds a stream into an aggregate by convention (Marten's self-aggregating snapshots):
/// <c>static T Create(TEvent)</c> starts it, <c>T Apply(TEvent)</c> returns the next state (or <c>void Apply</c>
/// changes a mutable one), events without a matching method are skipped, and a <c>Version</c> property (int or long,
/// settable or init) is set to the stream version at the end. A type without a Create for the first event starts
/// from its parameterless constructor, when it has one.
/// Methods are found by reflection once per aggregate type and event type and compiled to delegates, so folding
/// does no reflection per event.
/// </summary>
public static class AggregateFolder<T> where T : class
{
    private static readonly ConcurrentDictionary<Type, Func<T?, object, T?>> Steps = new();
    private static readonly Func<T>? Construct = CompileConstructor();
    private static readonly Func<T, long, T>? WithVersion = CompileWithVersion();

    /// <summary>
    /// True for records whose every Apply returns the next state: a folded instance is never changed afterwards,
    /// so it may be cached and shared between sessions.
    /// </summary>
    public static bool IsImmutable { get; } =
        typeof(T).GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes) is not null &&
        typeof(T).GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(m => m.Name == "Apply").All(m => m.ReturnType != typeof(void));

    public static T? Fold(IEnumerable<IEvent> events, T? state = null)
    {
        long? version = null;
        foreach (var e in events)
        {
            state = Step(state, e.Data);
            version = e.Version;
        }
        return state is not null && version is { } v && WithVersion is not null ? WithVersion(state, v) : state;
    }

    /// <summary>Applies one event body (no version change).</summary>
    public static T? Step(T? state, object @event) =>
        Steps.GetOrAdd(@event.GetType(), CompileStep)(state, @event);

    private static Func<T?, object, T?> CompileStep(Type eventType)
    {
        const BindingFlags Static = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
        const BindingFlags Instance = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        var create = MostSpecific(typeof(T).GetMethods(Static)
            .Where(m => m.Name == "Create" && typeof(T).IsAssignableFrom(m.ReturnType)), eventType);
        var apply = MostSpecific(typeof(T).GetMethods(Instance)
            .Where(m => m.Name == "Apply" && (m.ReturnType == typeof(void) || typeof(T).IsAssignableFrom(m.ReturnType))), eventType);

        var createFn = create is null ? null : Compile(create, eventType);
        var applyFn = apply is null ? null : Compile(apply, eventType);
        var construct = Construct;

        return (state, e) =>
        {
            if (state is null)
            {
                if (createFn is not null) return createFn(null, e);
                if (construct is null) return null;  // nothing can start the aggregate from this event
                state = construct();
            }
            return applyFn is null ? state : applyFn(state, e);
        };
    }

    private static Func<T?, object, T?> Compile(MethodInfo method, Type eventType)
    {
        var state = Expression.Parameter(typeof(T), "state");
        var evt = Expression.Parameter(typeof(object), "e");
        var argument = Expression.Convert(evt, method.GetParameters()[0].ParameterType);
        Expression body = method.IsStatic ? Expression.Call(method, argument) : Expression.Call(state, method, argument);
        body = method.ReturnType == typeof(void)
            ? Expression.Block(body, state)
            : Expression.Convert(body, typeof(T));
        return Expression.Lambda<Func<T?, object, T?>>(body, state, evt).Compile();
    }

    /// <summary>The single-parameter overload whose parameter type is closest to the event's type.</summary>
    private static MethodInfo? MostSpecific(IEnumerable<MethodInfo> methods, Type eventType)
    {
        MethodInfo? best = null;
        foreach (var m in methods)
        {
            var parameters = m.GetParameters();
            if (parameters.Length != 1 || !parameters[0].ParameterType.IsAssignableFrom(eventType)) continue;
            if (best is null || best.GetParameters()[0].ParameterType.IsAssignableFrom(parameters[0].ParameterType)) best = m;
        }
        return best;
    }

    private static Func<T>? CompileConstructor()
    {
        if (typeof(T).IsAbstract) return null;
        var ctor = typeof(T).GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes);
        return ctor is null ? null : Expression.Lambda<Func<T>>(Expression.New(ctor)).Compile();
    }

    /// <summary>
    /// Sets Version on a copy for records (their compiler-made clone, the same as <c>with</c>) and in place otherwise;
    /// the instance was made by this fold, so nobody else holds it.
    /// </summary>
    private static Func<T, long, T>? CompileWithVersion()
    {
        var property = typeof(T).GetProperty("Version", BindingFlags.Public | BindingFlags.Instance);
        var setter = property?.GetSetMethod(nonPublic: true);
        if (property is null || setter is null) return null;
        if (property.PropertyType != typeof(long) && property.PropertyType != typeof(int)) return null;

        var state = Expression.Parameter(typeof(T), "state");
        var version = Expression.Parameter(typeof(long), "version");
        var clone = typeof(T).GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        var copy = Expression.Variable(typeof(T), "copy");
        var body = Expression.Block([copy],
            Expression.Assign(copy, clone is null ? state : Expression.Convert(Expression.Call(state, clone), typeof(T))),
            Expression.Call(copy, setter, Expression.Convert(version, property.PropertyType)),
            copy);
        return Expression.Lambda<Func<T, long, T>>(body, state, version).Compile();
    }
}
