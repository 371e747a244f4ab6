using System.Text;

namespace Waardecheque.EventStore.Tests;

/// <summary>
/// The hash is computed from the JSON the app writes and checked against the JSON jsonb gives back, so the canonical
/// form must not change when a body passes through PostgreSQL.
/// </summary>
public sealed class CanonicalJsonTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Theory]
    [InlineData("""{"b":1,"a":2}""")]
    [InlineData("""{ "nested": {"z": [1, 2.50, -0.0, 1E2, 1e-7, 123456789012345678901234567890], "a": null}, "t": true, "f": false }""")]
    [InlineData("""{"text":"quote \" backslash \\ tab \t newline \n unicode \u00e9 \u20ac emoji 😀 control \u0001 slash \/ html \u003c"}""")]
    [InlineData("""{"dup":1,"dup":2,"aa":0,"b":0,"ä":0,"Z":0}""")]
    [InlineData("""{"big":-1.5e+300,"small":4.9E-324,"int":9223372036854775807}""")]
    [InlineData("""[{"k":"v"},[],{},""]""")]
    public async Task a_body_spells_the_same_after_a_round_trip_through_jsonb(string json)
    {
        var stored = await db.ScalarAsync<string>("select $1::jsonb::text", json);

        Assert.Equal(Canonical(json), Canonical(stored));
    }

    [Fact]
    public void keys_are_sorted_whitespace_dropped_and_numbers_reduced_to_their_value()
    {
        Assert.Equal("""{"a":[100,0.5,0,-12.3,1e-50],"b":"é\n"}""",
            Canonical("""{ "b" : "\u00e9\n", "a" : [1E2, 0.50, -0, -1.23e1, 1e-50] }"""));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-7")]
    [InlineData("500")]
    [InlineData("1000000000000000000000000000000000000000")]
    [InlineData("-10000000000000000000000000000000000000000")]
    [InlineData("123456789012345678901234567890123456789012345")]
    public void a_plain_integer_spells_as_its_normal_form(string number)
    {
        Assert.Equal(CanonicalJson.NormalizeNumber(number), Canonical(number));
    }

    [Fact]
    public void the_hash_covers_stream_version_type_body_and_previous_hash()
    {
        var id = Guid.NewGuid();
        var body = """{"amountCents":5}"""u8;
        var baseline = EventHash.Compute(id, 2, "money_deposited", body, EventHash.Genesis);

        Assert.Equal(baseline, EventHash.Compute(id, 2, "money_deposited", """{ "amountCents" : 5.0 }"""u8, EventHash.Genesis));
        Assert.NotEqual(baseline, EventHash.Compute(Guid.NewGuid(), 2, "money_deposited", body, EventHash.Genesis));
        Assert.NotEqual(baseline, EventHash.Compute(id, 3, "money_deposited", body, EventHash.Genesis));
        Assert.NotEqual(baseline, EventHash.Compute(id, 2, "money_withdrawn", body, EventHash.Genesis));
        Assert.NotEqual(baseline, EventHash.Compute(id, 2, "money_deposited", """{"amountCents":6}"""u8, EventHash.Genesis));
        Assert.NotEqual(baseline, EventHash.Compute(id, 2, "money_deposited", body, baseline));
    }

    private static string Canonical(string json) => Encoding.UTF8.GetString(CanonicalJson.FromUtf8(Encoding.UTF8.GetBytes(json)));
}
