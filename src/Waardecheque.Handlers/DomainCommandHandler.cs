using Marten;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;
using Wolverine;

namespace Waardecheque.Handlers;

/// <summary>
/// The Wolverine handler of every command: one line each, naming the domain class whose pure <c>Handle</c> holds the
/// rule (e.g. <c>PledgeHandler</c> in Ideas/Pledging.cs). The <see cref="IDocumentSession"/> parameter with
/// <c>AutoApplyTransactions</c> gives Wolverine's Marten transactional middleware: a new session per attempt, one
/// <c>SaveChangesAsync</c> after the handler, the outbox's envelopes in the same transaction. Clashes are retried by the
/// policy in <see cref="HandlerSetup"/>. What <see cref="CommandRules.RunAsync"/> does around the rule: Conventions/.
/// <para>
/// Wolverine wants a concrete message type per handler method, so the lines stay (no open generic handler); they are
/// kept identical on purpose, so that a new command is one more line here (then `bash infra/codegen.sh`: the app
/// loads the handlers' pre-generated code, and CodegenTests fails until it is regenerated).
/// </para>
/// </summary>
public static class DomainCommandHandler
{
    // Programs
    public static Task<CommandDone> Handle(CreateProgram c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(CreateProgramHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(CloseProgram c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(CloseProgramHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(OpenProgram c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(OpenProgramHandler), c, s, m, ct);

    // Households
    public static Task<CommandDone> Handle(ImportHouseholds c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(ImportHouseholdsHandler), c, s, m, ct);

    // Cheques
    public static Task<CommandDone> Handle(ForwardReleasedCredit c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(ForwardReleasedCreditHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(ReissueCheque c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(ReissueChequeHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(ActivateCheque c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(ActivateChequeHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(DiscloseCodes c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(DiscloseCodesHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(BlockCheque c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(BlockChequeHandler), c, s, m, ct);

    // Ideas
    public static Task<CommandDone> Handle(ApproveIdea c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(ApproveIdeaHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(RejectIdea c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(RejectIdeaHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(RecordTopUpRefund c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(RecordTopUpRefundHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(WithdrawPledges c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(WithdrawPledgesHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(ProposeIdea c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(ProposeIdeaHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(CollectCheque c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(CollectChequeHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(StartTopUp c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(StartTopUpHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(ExpireIdea c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(ExpireIdeaHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(RecordTopUpLapse c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(RecordTopUpLapseHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(RecordTopUpRefundFailure c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(RecordTopUpRefundFailureHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(RecordTopUpPayment c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(RecordTopUpPaymentHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(CompleteIdea c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(CompleteIdeaHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(Pledge c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(PledgeHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(SubmitExpense c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(SubmitExpenseHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(WithdrawIdea c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(WithdrawIdeaHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(ApproveExpense c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(DecideExpenseHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(RejectExpense c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(DecideExpenseHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(MarkExpensePaid c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(DecideExpenseHandler), c, s, m, ct);
}
