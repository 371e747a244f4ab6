using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Waardecheque.Domain.Programs;

/// <summary>A CBS buurt in scope of a program, e.g. ("BU06370301", "Tuinen").</summary>
public sealed record Buurt(string Code, string Name);

/// <summary>The per-program rules of DOMAIN.md; the defaults are the rule book's.</summary>
public sealed record ProgramRules(
    int MinHouseholdsPerIdea = 3,
    long MinPledgeCents = 100,
    long MaxIdeaTargetCents = 150_000,
    bool Moderation = true,
    bool TopUps = true,
    long MaxTopUpCents = 25_000)
{
    public static ProgramRules Default { get; } = new();

    /// <summary>The smallest target an idea may have: every required household pledging the minimum.</summary>
    [JsonIgnore]
    public long MinIdeaTargetCents => Money.Times(MinHouseholdsPerIdea, MinPledgeCents);
}

public enum ProgramState { Draft, Open, Closed }

public sealed record ProgramCreated(Guid ProgramId, string Name, string MunicipalityCode, IReadOnlyList<Buurt> Buurten,
    long ChequeValueCents, DateTimeOffset OpensAt, DateTimeOffset ClosesAt, ProgramRules Rules, DateTimeOffset CreatedAt);
public sealed record ProgramOpened(Guid ProgramId, DateTimeOffset OpenedAt);
/// <summary>
/// Closing is one event: every cheque of the program is Expired from here on by derivation (see
/// <see cref="Cheques.Cheque.StateIn"/>), so 100,000 cheque streams are not touched.
/// </summary>
public sealed record ProgramClosed(Guid ProgramId, DateTimeOffset ClosedAt);

/// <summary>One round of cheques ("regeling"). Draft -> Open -> Closed.</summary>
public sealed record Program(
    Guid Id,
    string Name,
    string MunicipalityCode,
    ImmutableList<Buurt> Buurten,
    long ChequeValueCents,
    DateTimeOffset OpensAt,
    DateTimeOffset ClosesAt,
    ProgramRules Rules,
    ProgramState State,
    long Version)
{
    public static Program Create(ProgramCreated e) => new(e.ProgramId, e.Name, e.MunicipalityCode, [.. e.Buurten],
        e.ChequeValueCents, e.OpensAt, e.ClosesAt, e.Rules, ProgramState.Draft, 1);

    public Program Apply(ProgramOpened _) => this with { State = ProgramState.Open };
    public Program Apply(ProgramClosed _) => this with { State = ProgramState.Closed };

    /// <summary>Residents can act (pledge, propose) only while the program is Open and its closing time has not come.</summary>
    public bool IsOpenAt(DateTimeOffset now) => State == ProgramState.Open && now < ClosesAt;

    public bool HasBuurt(string buurtCode) =>
        Buurten.Any(b => string.Equals(b.Code, buurtCode, StringComparison.OrdinalIgnoreCase));
}
