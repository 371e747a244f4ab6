using System.Text.Json.Serialization;

namespace Waardecheque.Domain.Households;

/// <summary>
/// One Dutch address in a program, already validated and normalised (postcode "1234 AB", letters upper case).
/// The id is derived from the program and the address, so importing the same address again finds the same id.
/// </summary>
public sealed record Household(
    Guid HouseholdId,
    Guid ProgramId,
    string Postcode,
    int Huisnummer,
    string? Huisletter,
    string? Toevoeging,
    string Street,
    string BuurtCode)
{
    [JsonIgnore]   // derived: not part of the event body
    public string AddressKey => AddressKeyOf(Postcode, Huisnummer, Huisletter, Toevoeging);

    /// <summary>What makes two rows the same address: postcode and full house number, not the street spelling.</summary>
    public static string AddressKeyOf(string postcode, int huisnummer, string? huisletter, string? toevoeging) =>
        $"{postcode.Replace(" ", "").ToUpperInvariant()}|{huisnummer}|{huisletter?.ToUpperInvariant()}|{toevoeging?.ToUpperInvariant()}";

    public static Guid IdFor(Guid programId, string addressKey) => DeterministicGuid.Create(programId, "household:" + addressKey);
}
