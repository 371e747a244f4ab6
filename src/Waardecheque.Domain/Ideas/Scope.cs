using Waardecheque.Domain.Households;

namespace Waardecheque.Domain.Ideas;

public enum ScopeKind { Street, Buurt }

/// <summary>Where an idea is for: one street in a buurt, or a whole buurt. P5 asks whether a household lives there.</summary>
public sealed record Scope(ScopeKind Kind, string BuurtCode, string? Street = null)
{
    public static Scope ForBuurt(string buurtCode) => new(ScopeKind.Buurt, buurtCode.ToUpperInvariant());
    public static Scope ForStreet(string buurtCode, string street) => new(ScopeKind.Street, buurtCode.ToUpperInvariant(), AddressRules.Collapse(street));

    public bool Includes(string street, string buurtCode) =>
        string.Equals(BuurtCode, buurtCode, StringComparison.OrdinalIgnoreCase)
        && (Kind == ScopeKind.Buurt || AddressRules.SameStreet(Street, street));
}
