using Waardecheque.Domain.Ideas;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Store;
using Wolverine;
using Wolverine.Runtime;

namespace Waardecheque.Web.Features.TopUps;

/// <summary>
/// Once per start, after Wolverine is up: every paid top-up still waiting for its refund gets a fresh
/// <see cref="RefundTopUp"/>. It catches refunds whose message went to the dead letters in an older version (before
/// refunds were automated, <c>refund_top_up</c> was parked there for a person) or for good after Stripe kept failing.
/// Harmless when the refund is under way: the key comes from the top-up's stream, so Stripe answers with the same refund.
/// </summary>
internal sealed class RefundSweep(StoreHolder holder, IServiceProvider services, ILogger<RefundSweep> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wolverine = services.GetRequiredService<WolverineStartup>();
        try
        {
            while (!holder.IsReady || !wolverine.IsStarted) await Task.Delay(TimeSpan.FromMilliseconds(500), stoppingToken);
            var due = await TopUpQueries.AwaitingRefundAsync(holder.Store.DataSource, stoppingToken);
            if (due.Count == 0) return;
            var bus = new MessageBus(services.GetRequiredService<IWolverineRuntime>());
            foreach (var topUp in due.Where(t => t.PaymentReference is not null))
                await bus.PublishAsync(new RefundTopUp(topUp.IdeaId, topUp.Id, topUp.AmountCents, topUp.PaymentReference!));
            log.LogInformation("Refund sweep: {Count} paid top-ups awaiting their refund were sent to the refund worker again", due.Count);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        catch (Exception e)
        {
            log.LogWarning(e, "Refund sweep failed; the refunds' own retries and the next start try again");
        }
    }
}
