using System.Reflection;

namespace Waardecheque.Messaging;

/// <summary>
/// What the pipeline learned, once, about one handler: how to fill each parameter of its pure <c>Handle</c>.
/// Conventions (Wolverine's, simplified):
/// <list type="bullet">
/// <item>the first parameter is the command;</item>
/// <item><c>DateTimeOffset</c> is "now" from the pipeline's clock;</item>
/// <item>an aggregate type <c>T</c> (a class with a static <c>Create</c>) is loaded for writing by the id in the
///   command's property <c>{T.Name}Id</c>, or else that property of an aggregate loaded before it (left to right);
///   a nullable parameter receives null when the stream does not exist, otherwise that is a 404;</item>
/// <item><c>IReadOnlyList&lt;T&gt;</c> of an aggregate is loaded through a registered list loader;</item>
/// <item>anything else comes from a registered value provider (e.g. the key that derives cheque codes).</item>
/// </list>
/// An optional <c>static void Validate(TCommand)</c> runs before anything is loaded.
/// </summary>
internal sealed class HandlerDescriptor
{
    public required Type CommandType { get; init; }
    public required MethodInfo Handle { get; init; }
    public MethodInfo? Validate { get; init; }
    public required IReadOnlyList<HandlerParameter> Parameters { get; init; }

    public static HandlerDescriptor? TryCreate(MethodInfo handle)
    {
        if (handle.Name != "Handle" || !handle.IsStatic || handle.ReturnType != typeof(Events)) return null;
        var ps = handle.GetParameters();
        if (ps.Length == 0) return null;
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
            else plan.Add(new HandlerParameter(ParameterKind.Provided, type));
        }
        var validate = handle.DeclaringType!.GetMethod("Validate", BindingFlags.Public | BindingFlags.Static, [commandType]);
        return new HandlerDescriptor { CommandType = commandType, Handle = handle, Validate = validate, Parameters = plan };
    }

    /// <summary>Marten's convention: an aggregate is built by a static Create from its first event.</summary>
    internal static bool IsAggregate(Type type) =>
        type.IsClass && type != typeof(string) &&
        type.GetMethods(BindingFlags.Public | BindingFlags.Static).Any(m => m.Name == "Create" && m.ReturnType == type);
}

internal enum ParameterKind { Now, Aggregate, AggregateList, Provided }

internal sealed record HandlerParameter(ParameterKind Kind, Type Type, bool Optional = false);
