using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests.Builders;

/// <summary>Folds what a handler returned back into the aggregates, so a test can take the next step.</summary>
public static class Scenario
{
    public static Idea After(this Idea idea, Events events) =>
        events.Where(e => e.StreamId == idea.Id).Aggregate(idea, (i, e) => AggregateFold.Next(i, e.Data));

    public static Cheque After(this Cheque cheque, Events events) =>
        events.Where(e => e.StreamId == cheque.Id).Aggregate(cheque, (c, e) => AggregateFold.Next(c, e.Data));

    public static Program After(this Program program, Events events) =>
        events.Where(e => e.StreamId == program.Id).Aggregate(program, (p, e) => AggregateFold.Next(p, e.Data));

    /// <summary>Pledges through the real handler and returns the idea and cheque after it.</summary>
    public static (Idea Idea, Cheque Cheque) Pledged(this Idea idea, Cheque cheque, Program program, long amountCents)
    {
        var events = PledgeHandler.Handle(new Pledge(idea.Id, cheque.Id, amountCents), idea, cheque, program, Clock.Now);
        return (idea.After(events), cheque.After(events));
    }

    /// <summary>An open idea with pledges from fresh neighbours in its buurt, one amount per household.</summary>
    public static Idea WithPledges(this Idea idea, Program program, params long[] amounts)
    {
        foreach (var amount in amounts)
        {
            var cheque = ACheque.Of(AHousehold.InStreet(idea.Scope.Street ?? "Dorpsstraat", idea.Scope.BuurtCode)).In(program).Activated();
            idea = idea.Pledged(cheque, program, amount).Idea;
        }
        return idea;
    }

    public static T One<T>(this Events events) => events.Select(e => e.Data).OfType<T>().Single();
    public static IEnumerable<T> All<T>(this Events events) => events.Select(e => e.Data).OfType<T>();
}

public static class IdeaScenarios
{
    /// <summary>Pledges made an hour before "now", for an idea whose deadline is now.</summary>
    public static Idea WithPledgesBefore(this Idea idea, Program program, params long[] amounts)
    {
        foreach (var amount in amounts)
        {
            var cheque = ACheque.Of(AHousehold.InStreet(idea.Scope.Street ?? "Dorpsstraat", idea.Scope.BuurtCode)).In(program).Activated();
            var events = PledgeHandler.Handle(new Pledge(idea.Id, cheque.Id, amount), idea, cheque, program, Clock.Now.AddHours(-1));
            idea = idea.After(events);
        }
        return idea;
    }
}

public static class RegisterScenarios
{
    public static Waardecheque.Domain.Households.HouseholdRegister After(this Waardecheque.Domain.Households.HouseholdRegister register, Events events) =>
        events.Where(e => e.StreamId == register.Id).Aggregate(register, (r, e) => AggregateFold.Next(r, e.Data));
}
