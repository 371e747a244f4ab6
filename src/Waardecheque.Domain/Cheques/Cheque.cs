using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Cheques;

public enum ChequeState { Issued, Activated, Blocked, Reissued, Expired }

/// <summary>Why credit came back to a cheque.</summary>
public enum ReleaseReason { Withdrawn, Rejected, IdeaWithdrawn, Expired }

/// <summary>
/// Starts a cheque stream. <see cref="ValueCents"/> is the program's value for a first cheque, or the carried
/// credit for a replacement (<see cref="ReplacesChequeId"/> set): a replacement moves credit, it does not issue any.
/// Street and buurt are copied so the cheque's rules (P5) need no address lookup; the exact address is not.
/// Nothing derived from the code travels in an event: events are read by auditors and kept forever, and 60 bits of
/// code under a plain hash fall to a GPU. The code follows from the server key and the cheque id (<see cref="ChequeCode.Derive"/>).
/// </summary>
public sealed record ChequeIssued(Guid ChequeId, Guid ProgramId, Guid HouseholdId, string Street, string BuurtCode,
    long ValueCents, DateTimeOffset IssuedAt, Guid? ReplacesChequeId = null);
/// <summary>First scan. <see cref="OnBehalfOfStaffId"/>: a connector activated it at the walk-in point.</summary>
public sealed record ChequeActivated(Guid ChequeId, DateTimeOffset ActivatedAt, Guid? OnBehalfOfStaffId = null,
    Guid? CollectedByHouseholdId = null);
public sealed record ChequeBlocked(Guid ChequeId, string Reason, Guid ByStaffId, DateTimeOffset BlockedAt);
/// <summary>The old cheque hands its available credit to the new one and can never be used again.</summary>
public sealed record ChequeReissued(Guid ChequeId, Guid NewChequeId, long CarriedCents, Guid ByStaffId, DateTimeOffset ReissuedAt);
/// <summary>A pledge leaves the cheque (its twin <see cref="Ideas.PledgeReceived"/> lands on the idea in the same transaction).</summary>
public sealed record CreditPledged(Guid ChequeId, Guid IdeaId, long AmountCents, DateTimeOffset PledgedAt,
    Guid? OnBehalfOfStaffId = null, Guid? CollectedByHouseholdId = null);
/// <summary>Credit comes back from an idea. Appended without a version check: it only ever adds credit.</summary>
public sealed record CreditReleased(Guid ChequeId, Guid IdeaId, long AmountCents, ReleaseReason Reason, DateTimeOffset ReleasedAt);
/// <summary>Credit released to a cheque after it was reissued moves on to its replacement.</summary>
public sealed record CreditForwarded(Guid ChequeId, Guid ToChequeId, long AmountCents, DateTimeOffset ForwardedAt);
public sealed record ForwardedCreditReceived(Guid ChequeId, Guid FromChequeId, long AmountCents, DateTimeOffset ReceivedAt);

/// <summary>
/// One household's credit in one program. <see cref="AvailableCents"/> is what it can still pledge (value minus
/// open and committed pledges, plus what came back). Expiry is not an event here: see <see cref="StateIn"/>.
/// </summary>
public sealed record Cheque(
    Guid Id,
    Guid ProgramId,
    Guid HouseholdId,
    string Street,
    string BuurtCode,
    long ValueCents,
    long AvailableCents,
    ChequeState State,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ActivatedAt,
    Guid? ReplacesChequeId,
    Guid? ReplacedByChequeId,
    long Version)
{
    public static Guid IdFor(Guid programId, Guid householdId) => DeterministicGuid.Create(programId, "cheque:" + householdId);

    /// <summary>The replacement's id follows from the old one, so a retried reissue cannot make two.</summary>
    public static Guid ReplacementIdFor(Guid chequeId) => DeterministicGuid.Create(chequeId, "reissue");

    public static Cheque Create(ChequeIssued e) => new(e.ChequeId, e.ProgramId, e.HouseholdId, e.Street, e.BuurtCode,
        e.ValueCents, e.ValueCents, ChequeState.Issued, e.IssuedAt, null, e.ReplacesChequeId, null, 1);

    public Cheque Apply(ChequeActivated e) => this with { State = ChequeState.Activated, ActivatedAt = e.ActivatedAt };
    public Cheque Apply(ChequeBlocked _) => this with { State = ChequeState.Blocked };
    public Cheque Apply(ChequeReissued e) => this with
    {
        State = ChequeState.Reissued, ReplacedByChequeId = e.NewChequeId, AvailableCents = AvailableCents - e.CarriedCents,
    };
    /// <summary>Changes nothing but the version (Marten's, or AggregateFold's): the disclosure is a record for the auditor, not a state.</summary>
    public Cheque Apply(ChequeCodeDisclosed _) => this;
    public Cheque Apply(CreditPledged e) => this with { AvailableCents = AvailableCents - e.AmountCents };
    public Cheque Apply(CreditReleased e) => this with { AvailableCents = AvailableCents + e.AmountCents };
    public Cheque Apply(CreditForwarded e) => this with { AvailableCents = AvailableCents - e.AmountCents };
    public Cheque Apply(ForwardedCreditReceived e) => this with { AvailableCents = AvailableCents + e.AmountCents };

    /// <summary>The state every rule sees: a cheque of a closed program is Expired, whatever its own stream says.</summary>
    public ChequeState StateIn(Program program) => program.State == ProgramState.Closed ? ChequeState.Expired : State;

    /// <summary>P2: the cheque is Activated and its program is Open.</summary>
    public bool IsUsableIn(Program program, DateTimeOffset now) =>
        StateIn(program) == ChequeState.Activated && program.IsOpenAt(now);
}
