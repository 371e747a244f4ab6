
namespace Waardecheque.Domain.Ideas;

/// <summary>
/// Stripe says a started top-up will not be paid: its checkout expired unpaid, or a delayed payment failed. Webhooks come
/// in any order and more than once: only a top-up still waiting for its money lapses; a paid one stays paid.
/// </summary>
public sealed record RecordTopUpLapse(Guid IdeaId, Guid TopUpId, TopUpLapse Outcome);

public static class RecordTopUpLapseHandler
{
    public static Events Handle(RecordTopUpLapse cmd, Idea idea, DateTimeOffset now)
    {
        Rule.Require(idea.TopUps.TryGetValue(cmd.TopUpId, out var topUp), ErrorCodes.NotFound, "Deze inleg is onbekend bij dit idee.");
        var events = new Events();
        if (topUp!.State != TopUpState.Started) return events;   // paid, or already lapsed: the top-up's stream decides
        events.Add(idea.Id, new TopUpLapsed(idea.Id, cmd.TopUpId, topUp.AmountCents, cmd.Outcome, now));
        return events;
    }
}
