using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests.Builders;

/// <summary>Seghwaert's buurten, the examples of the rule book.</summary>
public static class Buurten
{
    public static readonly Buurt Tuinen = new("BU06370301", "Tuinen");
    public static readonly Buurt Vaarten = new("BU06370302", "Vaarten");
    public static readonly Buurt Weiden = new("BU06370303", "Weiden");
}
