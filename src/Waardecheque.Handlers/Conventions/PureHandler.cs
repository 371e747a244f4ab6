using System.Collections.Concurrent;
using System.Reflection;
using Waardecheque.Domain;

namespace Waardecheque.Handlers.Conventions;

/// <summary>
/// What the runner learned, once, about one pure rule <c>static Events Handle(TCommand, ...)</c> of the domain: how to
/// fill each parameter. The Wolverine handler names the class that holds the rule (<c>typeof(Pledging)</c>); nothing is
/// discovered by scanning. Conventions:
/// <list type="bullet">
/// <item>the first parameter is the command;</item>
/// <item><c>DateTimeOffset</c> is "now" from the app's clock;</item>
/// <item>an aggregate type <c>T</c> (a class with a static <c>Create</c>) is loaded for writing by the id in the
///   command's property <c>{T.Name}Id</c>, or else that property of an aggregate loaded before it (left to right);
///   a nullable parameter receives null when the stream does not exist, otherwise that is a 404;</item>
/// <item><c>IReadOnlyList&lt;T&gt;</c> of an aggregate is loaded through a list loader (<see cref="ListLoaders"/>).</item>
/// </list>
/// An optional <c>static void Validate(TCommand)</c> in the same class runs before anything is loaded.
/// </summary>
internal sealed class PureHandler
{
    private static readonly ConcurrentDictionary<(Type Rules, Type Command), PureHandler> Cache = new();

    public required Type CommandType { get; init; }
    public required MethodInfo Handle { get; init; }
    public MethodInfo? Validate { get; init; }
    public required IReadOnlyList<HandlerParameter> Parameters { get; init; }

    /// <summary>The rule for <paramref name="commandType"/> in the static class <paramref name="rules"/>.</summary>
    public static PureHandler For(Type rules, Type commandType) => Cache.GetOrAdd((rules, commandType), static key =>
    {
        var handle = key.Rules.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .SingleOrDefault(m => m.Name == "Handle" && m.ReturnType == typeof(Events) &&
                                  m.GetParameters() is { Length: > 0 } ps && ps[0].ParameterType == key.Command)
            ?? throw new InvalidOperationException($"{key.Rules.Name} has no static Events Handle({key.Command.Name}, ...).");
        return Create(handle);
    });

    private static PureHandler Create(MethodInfo handle)
    {
        var ps = handle.GetParameters();
        var commandType = ps[0].ParameterType;
        var nullability = new NullabilityInfoContext();
        var plan = new List<HandlerParameter>();
        for (var i = 1; i < ps.Length; i++)
        {
            var type = ps[i].ParameterType;
            if (type == typeof(DateTimeOffset)) plan.Add(new HandlerParameter(ParameterKind.Now, type));
            else if (IsAggregate(type))
                plan.Add(new HandlerParameter(ParameterKind.Aggregate, type,
                    Optional: nullability.Create(ps[i]).ReadState == NullabilityState.Nullable));
            else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) &&
                     IsAggregate(type.GetGenericArguments()[0]))
                plan.Add(new HandlerParameter(ParameterKind.AggregateList, type.GetGenericArguments()[0]));
            else throw new InvalidOperationException($"{handle.DeclaringType!.Name}.Handle asks for a {type.Name}, which no convention provides.");
        }
        var validate = handle.DeclaringType!.GetMethod("Validate", BindingFlags.Public | BindingFlags.Static, [commandType]);
        return new PureHandler { CommandType = commandType, Handle = handle, Validate = validate, Parameters = plan };
    }

    /// <summary>Marten's convention: an aggregate is built by a static Create from its first event.</summary>
    internal static bool IsAggregate(Type type) =>
        type.IsClass && type != typeof(string) &&
        type.GetMethods(BindingFlags.Public | BindingFlags.Static).Any(m => m.Name == "Create" && m.ReturnType == type);
}

internal enum ParameterKind { Now, Aggregate, AggregateList }

internal sealed record HandlerParameter(ParameterKind Kind, Type Type, bool Optional = false);
