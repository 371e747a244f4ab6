namespace Waardecheque.Web.Hosting.OpenApi.Markers;

// The attributes request and response records carry for the OpenAPI document. They live apart from the transformers
// that read them, so that the problem shape (Errors) can carry them while the transformers describe that shape.

/// <summary>
/// A request body (or form) whose C# properties are nullable so that a missing or null field is the API's own 422
/// <c>validation_failed</c> rather than an unreadable body. In the document a property is required when its record
/// parameter has no default value (required ones are then not nullable: null is refused like absence), and optional
/// (and nullable: null means absent) when it has one, e.g. <c>bool? OnBehalf = null</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ApiRequestAttribute : Attribute;

/// <summary>
/// A string property whose values are a closed set: the camelCase names of an enum (<c>[property: ApiEnum(typeof(IdeaState))]</c>)
/// or the constants of static classes (<c>ApiEnum("ProblemCode", typeof(ErrorCodes), typeof(ProblemCodes))</c>). The document
/// gets one shared enum schema per name, so a generated client gets one enum type.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ApiEnumAttribute : Attribute
{
    public ApiEnumAttribute(Type enumType) : this(enumType.Name, enumType) { }

    public ApiEnumAttribute(string name, params Type[] sources)
    {
        Name = name;
        Values = [.. sources.SelectMany(ValuesOf).Distinct(StringComparer.Ordinal)];
    }

    public ApiEnumAttribute(string name, params string[] values)
    {
        Name = name;
        Values = values;
    }

    public string Name { get; }
    public IReadOnlyList<string> Values { get; }

    private static IEnumerable<string> ValuesOf(Type source) => source.IsEnum
        ? Enum.GetNames(source).Select(n => char.ToLowerInvariant(n[0]) + n[1..])
        : source.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f is { IsLiteral: true, FieldType.Name: nameof(String) })
            .Select(f => (string)f.GetRawConstantValue()!);
}
