using Waardecheque.Domain.Households;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests.Builders;

/// <summary><c>AHousehold.InBuurt(Buurten.Vaarten)</c>, <c>AHousehold.InStreet("Dorpsstraat")</c>.</summary>
public static class AHousehold
{
    private static int _number;

    public static Household InStreet(string street, string? buurtCode = null) => At(street, buurtCode ?? Buurten.Tuinen.Code);
    public static Household InBuurt(Buurt buurt) => At("Dorpsstraat", buurt.Code);
    public static Household Any() => At("Dorpsstraat", Buurten.Tuinen.Code);

    private static Household At(string street, string buurtCode)
    {
        var number = Interlocked.Increment(ref _number) % 99_999 + 1;
        return new Household(Guid.NewGuid(), Guid.Empty, "2725 AB", number, null, null, street, buurtCode);
    }
}
