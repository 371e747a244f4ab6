using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests.Builders;

/// <summary>
/// <c>AProgram.Open()</c>, <c>AProgram.WithRules(r => r with { Moderation = false }).Open()</c>. Built from its
/// events, so a builder can never make a program the handlers could not have made.
/// </summary>
public sealed record AProgram(Guid Id, ProgramRules Rules, long ChequeValueCents, DateTimeOffset ClosesAt)
{
    private static AProgram Default => new(Guid.NewGuid(), ProgramRules.Default, 750, Clock.Now.AddDays(90));

    public static AProgram WithRules(Func<ProgramRules, ProgramRules> change) => Default with { Rules = change(ProgramRules.Default) };
    public static AProgram WithChequeValue(long cents) => Default with { ChequeValueCents = cents };
    public AProgram AndChequeValue(long cents) => this with { ChequeValueCents = cents };

    public static Program Draft() => Default.AsDraft();
    public static Program Open() => Default.AsOpen();
    public static Program Closed() => Default.AsClosed();

    public Program AsDraft() => Program.Create(new ProgramCreated(Id, "Seghwaert Doet 2026", "GM0637",
        [Buurten.Tuinen, Buurten.Vaarten, Buurten.Weiden], ChequeValueCents, Clock.Now.AddDays(-1), ClosesAt, Rules, Clock.Now.AddDays(-30)));
    public Program AsOpen() => AsDraft().Apply(new ProgramOpened(Id, Clock.Now.AddDays(-1)));
    public Program AsClosed() => AsOpen().Apply(new ProgramClosed(Id, Clock.Now));
}
