using System.Collections;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests;

/// <summary>What the event store relies on: a stable alias per event, and bodies that survive its JSON.</summary>
public class EventCatalogueTests
{
    // The event store's settings (EventTypeRegistry.JsonOptions).
    private static readonly JsonSerializerOptions StoreJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly Type[] Aggregates = [typeof(Program), typeof(HouseholdRegister), typeof(Cheque), typeof(Idea)];

    [Fact]
    public void every_event_an_aggregate_folds_has_exactly_one_alias_and_every_alias_names_such_an_event()
    {
        var folded = Aggregates.SelectMany(a => a.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance))
            .Where(m => m.Name is "Create" or "Apply" && m.GetParameters().Length == 1)
            .Select(m => m.GetParameters()[0].ParameterType).ToHashSet();

        Assert.Equal(folded.OrderBy(t => t.Name), DomainEvents.All.Select(e => e.Type).OrderBy(t => t.Name));
        var aliases = DomainEvents.All.Concat(DomainEvents.StreamTypes).Concat(DomainEvents.Messages).Select(e => e.Alias).ToList();
        Assert.Equal(aliases.Count, aliases.Distinct().Count());
        Assert.All(aliases, a => Assert.Matches("^[a-z]+(_[a-z]+)*$", a));
        Assert.Equal("cheque_issued", DomainEvents.AliasOf(typeof(ChequeIssued)));
    }

    public static TheoryData<string> EventsAndMessages() =>
        [.. DomainEvents.All.Concat(DomainEvents.Messages).Select(e => e.Alias)];

    [Theory]
    [MemberData(nameof(EventsAndMessages))]
    public void every_event_and_message_survives_the_stores_json_unchanged(string alias)
    {
        var type = DomainEvents.All.Concat(DomainEvents.Messages).Single(e => e.Alias == alias).Type;
        var sample = Sample(type);

        var json = JsonSerializer.Serialize(sample, type, StoreJson);
        var back = JsonSerializer.Deserialize(json, type, StoreJson)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, type, StoreJson));
        Assert.DoesNotContain("null", json);   // every field had a value, so every field made the trip
    }

    /// <summary>A value for every constructor parameter, recursively, so a field the JSON loses shows up.</summary>
    private static object Sample(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner) return Sample(inner);
        if (type == typeof(string)) return "tekst <é>";
        if (type == typeof(Guid)) return Guid.NewGuid();
        if (type == typeof(long)) return 12_345L;
        if (type == typeof(int)) return 7;
        if (type == typeof(bool)) return true;
        if (type == typeof(DateTimeOffset)) return Clock.Now.AddTicks(1_234_567);
        if (type.IsEnum) return Enum.GetValues(type).GetValue(Enum.GetValues(type).Length - 1)!;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(type.GetGenericArguments()[0]))!;
            list.Add(Sample(type.GetGenericArguments()[0]));
            return list;
        }
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return constructor.Invoke([.. constructor.GetParameters().Select(p => Sample(p.ParameterType))]);
    }
}
