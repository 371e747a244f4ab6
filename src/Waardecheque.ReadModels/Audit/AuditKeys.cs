using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.ReadModels.Audit;

/// <summary>One event of a program's log as the audit folds it: its sequence number, its time and its body.</summary>
public readonly record struct AuditEvent(long Seq, DateTimeOffset Time, Guid StreamId, object Data);

/// <summary>
/// Which program an event of the log belongs to, for the daemon's pages (many programs at once). What part of the
/// program's books an event needs is the domain's <see cref="Waardecheque.Domain.Ledger.BooksKeys"/>.
/// </summary>
internal static class AuditKeys
{
    /// <summary>
    /// The program an event belongs to, from its own fields or from the stream it is about (a cheque or an idea seen
    /// before); null for events the books ignore or whose cheque or idea is unknown.
    /// </summary>
    public static Guid? ProgramOf(object data, IReadOnlyDictionary<Guid, Guid> chequePrograms, IReadOnlyDictionary<Guid, Guid> ideaPrograms)
    {
        Guid? Cheque(Guid id) => chequePrograms.TryGetValue(id, out var p) ? p : null;
        Guid? Idea(Guid id) => ideaPrograms.TryGetValue(id, out var p) ? p : null;
        return data switch
        {
            ProgramCreated e => e.ProgramId,
            ProgramClosed e => e.ProgramId,
            HouseholdsImported e => e.ProgramId,
            ChequeIssued e => e.ProgramId,
            IdeaProposed e => e.ProgramId,
            ChequeActivated e => Cheque(e.ChequeId),
            ChequeReissued e => Cheque(e.ChequeId),
            CreditPledged e => Cheque(e.ChequeId),
            CreditReleased e => Cheque(e.ChequeId),
            CreditForwarded e => Cheque(e.ChequeId),
            IdeaApproved e => Idea(e.IdeaId),
            IdeaRejected e => Idea(e.IdeaId),
            IdeaWithdrawn e => Idea(e.IdeaId),
            IdeaExpired e => Idea(e.IdeaId),
            IdeaFunded e => Idea(e.IdeaId),
            IdeaCompleted e => Idea(e.IdeaId),
            PledgeReceived e => Idea(e.IdeaId),
            PledgeWithdrawn e => Idea(e.IdeaId),
            PledgesReleased e => Idea(e.IdeaId),
            TopUpReceived e => Idea(e.IdeaId),
            TopUpRefunded e => Idea(e.IdeaId),
            ExpenseApproved e => Idea(e.IdeaId),
            _ => null,
        };
    }

    /// <summary>The cheque and idea ids an event names, to look their programs up before <see cref="ProgramOf"/>.</summary>
    public static (Guid? Cheque, Guid? Idea) StreamsOf(object data) => data switch
    {
        ChequeActivated e => (e.ChequeId, null),
        ChequeReissued e => (e.ChequeId, null),
        CreditPledged e => (e.ChequeId, null),
        CreditReleased e => (e.ChequeId, null),
        CreditForwarded e => (e.ChequeId, null),
        IdeaApproved e => (null, e.IdeaId),
        IdeaRejected e => (null, e.IdeaId),
        IdeaWithdrawn e => (null, e.IdeaId),
        IdeaExpired e => (null, e.IdeaId),
        IdeaFunded e => (null, e.IdeaId),
        IdeaCompleted e => (null, e.IdeaId),
        PledgeReceived e => (null, e.IdeaId),
        PledgeWithdrawn e => (null, e.IdeaId),
        PledgesReleased e => (null, e.IdeaId),
        TopUpReceived e => (null, e.IdeaId),
        TopUpRefunded e => (null, e.IdeaId),
        ExpenseApproved e => (null, e.IdeaId),
        _ => (null, null),
    };
}
