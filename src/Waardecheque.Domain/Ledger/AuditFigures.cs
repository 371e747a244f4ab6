using Waardecheque.Domain.Ideas;

namespace Waardecheque.Domain.Ledger;

/// <summary>The audit of API.md (<c>GET /programs/{id}/audit</c>), computed by <see cref="Books.Figures"/>.</summary>
public sealed record AuditFigures(
    long IssuedCents,
    long ActivatedCents,
    long AvailableCents,
    long PledgedOpenCents,
    long CommittedCents,
    long SpentCents,
    long ReturnedCents,
    long ExpiredCents,
    long ToppedUpCents,
    long RefundedCents,
    bool Reconciles,
    IReadOnlyList<BuurtFigures> ByBuurt,
    IReadOnlyList<IdeaFigures> ByIdea,
    Participation Participation);

public sealed record BuurtFigures(string Code, string Name, int Households, int Cheques, long IssuedCents,
    int ActivatedHouseholds, int PledgingHouseholds, int Ideas, int FundedIdeas);

public sealed record IdeaFigures(Guid IdeaId, string Title, string BuurtCode, IdeaState State, long TargetCents,
    long PledgedCents, long ToppedUpCents, long RefundedCents, int Households, long SpentCents, long ReturnedCents);

public sealed record Participation(int Households, int Activated, int Pledging, int Ideas, int Funded);
