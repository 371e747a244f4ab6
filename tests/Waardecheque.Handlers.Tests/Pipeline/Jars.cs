using System.Collections.Concurrent;
using System.Collections.Immutable;
using Marten;
using Npgsql;
using Waardecheque.Handlers;
using Wolverine;

namespace Waardecheque.Handlers.Tests.Pipeline;

// A tiny domain of its own for the handlers' tests: coins move between a jar and a purse (two aggregate types, so
// one command can name both by the {Type}Id convention), and messages land in an inbox.

public sealed record JarOpened(Guid JarId, string Owner);
public sealed record CoinsAdded(Guid StreamId, long Cents);
public sealed record CoinsTaken(Guid StreamId, long Cents);
/// <summary>The test's inline projection refuses this event, so the commit fails after the handler has run.</summary>
public sealed record Poisoned(Guid JarId);
public sealed record PurseOpened(Guid PurseId);
public sealed record MessageDelivered(Guid InboxId, string Text);

public sealed record Jar(Guid Id, string Owner, long Cents, long Version)
{
    public static Jar Create(JarOpened e) => new(e.JarId, e.Owner, 0, 1);
    public Jar Apply(CoinsAdded e) => this with { Cents = Cents + e.Cents };
    public Jar Apply(CoinsTaken e) => this with { Cents = Cents - e.Cents };
}

public sealed record Purse(Guid Id, long Cents, long Version)
{
    public static Purse Create(PurseOpened e) => new(e.PurseId, 0, 1);
    public Purse Apply(CoinsAdded e) => this with { Cents = Cents + e.Cents };
    public Purse Apply(CoinsTaken e) => this with { Cents = Cents - e.Cents };
}

public sealed record Inbox(Guid Id, ImmutableList<string> Texts, long Version)
{
    public static Inbox Create(MessageDelivered e) => new(e.InboxId, [e.Text], 1);
    public Inbox Apply(MessageDelivered e) => this with { Texts = Texts.Add(e.Text) };
}

public sealed record OpenJar(Guid JarId, string Owner);
public sealed record OpenPurse(Guid PurseId);
public sealed record AddCoins(Guid JarId, long Cents);
/// <summary>Moves coins from a jar to a purse; optionally sends (or schedules) a note to an inbox.</summary>
public sealed record MoveCoins(Guid JarId, Guid PurseId, long Cents, Guid? NoteTo = null, DateTimeOffset? NoteAt = null,
    bool Poison = false);
/// <summary>Reads the purse without writing it: takes coins from the jar only while the purse is empty.</summary>
public sealed record TakeWhilePurseEmpty(Guid JarId, Guid PurseId, long Cents);
/// <summary>Starts a second stream of a type the handler did not load; the stream may already exist.</summary>
public sealed record AddCoinsAndOpenPurse(Guid JarId, Guid NewPurseId, long Cents);

/// <summary>A follow-up: delivered through Wolverine, it writes to the inbox (starting it when new). Stored under a stable name.</summary>
[Wolverine.Attributes.MessageIdentity("deliver_note")]
public sealed record Deliver(Guid InboxId, string Text);
/// <summary>A message whose handler fails its first <see cref="FailTimes"/> deliveries.</summary>
public sealed record Flaky(Guid InboxId, int FailTimes);

/// <summary>
/// What the tests watch from inside the pure handlers: how often each ran, and a hook (per stream id) that runs in the
/// middle of a handler, so a test can change the world between the pipeline's load and its commit.
/// </summary>
public static class Probe
{
    public static readonly ConcurrentDictionary<Guid, int> Calls = new();
    public static readonly ConcurrentDictionary<Guid, Action<int>> Hooks = new();

    public static int Called(Guid id)
    {
        var n = Calls.AddOrUpdate(id, 1, (_, c) => c + 1);
        if (Hooks.TryGetValue(id, out var hook)) hook(n);
        return n;
    }
}

public static class OpenJarHandler
{
    public static Events Handle(OpenJar cmd) => new Events().Also(e => e.Start<Jar>(cmd.JarId, new JarOpened(cmd.JarId, cmd.Owner)));
}

public static class OpenPurseHandler
{
    public static Events Handle(OpenPurse cmd) => new Events().Also(e => e.Start<Purse>(cmd.PurseId, new PurseOpened(cmd.PurseId)));
}

public static class AddCoinsHandler
{
    public static void Validate(AddCoins cmd) => Rule.Require(cmd.Cents > 0, ErrorCodes.InvalidAmount, "Coins are more than 0 cents.");

    public static Events Handle(AddCoins cmd, Jar jar)
    {
        Probe.Called(jar.Id);
        return new Events { { jar.Id, new CoinsAdded(jar.Id, cmd.Cents) } };
    }
}

public static class MoveCoinsHandler
{
    public static Events Handle(MoveCoins cmd, Jar jar, Purse purse, DateTimeOffset now)
    {
        Probe.Called(jar.Id);
        Rule.Require(jar.Cents >= cmd.Cents, ErrorCodes.InsufficientCredit, "Not enough coins in the jar.");
        var events = new Events { { jar.Id, new CoinsTaken(jar.Id, cmd.Cents) }, { purse.Id, new CoinsAdded(purse.Id, cmd.Cents) } };
        if (cmd.Poison) events.Add(jar.Id, new Poisoned(jar.Id));
        if (cmd.NoteTo is { } inbox) events.Send(new Deliver(inbox, $"moved {cmd.Cents}"), cmd.NoteAt);
        return events;
    }
}

public static class TakeWhilePurseEmptyHandler
{
    public static Events Handle(TakeWhilePurseEmpty cmd, Jar jar, Purse purse)
    {
        Probe.Called(jar.Id);
        Rule.Require(purse.Cents == 0, ErrorCodes.InvalidState, "The purse is not empty.");
        return new Events { { jar.Id, new CoinsTaken(jar.Id, cmd.Cents) } };
    }
}

public static class AddCoinsAndOpenPurseHandler
{
    public static Events Handle(AddCoinsAndOpenPurse cmd, Jar jar)
    {
        Probe.Called(jar.Id);
        var events = new Events { { jar.Id, new CoinsAdded(jar.Id, cmd.Cents) } };
        events.Start<Purse>(cmd.NewPurseId, new PurseOpened(cmd.NewPurseId));
        return events;
    }
}

public static class DeliverHandler
{
    public static Events Handle(Deliver message, Inbox? inbox)
    {
        Probe.Called(message.InboxId);
        var events = new Events();
        if (inbox is null) events.Start<Inbox>(message.InboxId, new MessageDelivered(message.InboxId, message.Text));
        else events.Add(inbox.Id, new MessageDelivered(inbox.Id, message.Text));
        return events;
    }
}

public static class FlakyHandler
{
    public static Events Handle(Flaky message, Inbox? inbox)
    {
        var attempt = Probe.Called(message.InboxId);
        if (attempt <= message.FailTimes) throw new InvalidOperationException($"flaky delivery {attempt} failed");
        return new Events().Also(e => e.Start<Inbox>(message.InboxId, new MessageDelivered(message.InboxId, $"after {attempt}")));
    }
}

/// <summary>
/// The test domain's Wolverine handlers, one line each around its pure rules, exactly as DomainCommandHandler wraps the
/// real domain's (same CommandRules, same policies from UseWaardechequeHandlers).
/// </summary>
public static class JarCommands
{
    public static Task<CommandDone> Handle(OpenJar c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(OpenJarHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(OpenPurse c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(OpenPurseHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(AddCoins c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(AddCoinsHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(MoveCoins c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(MoveCoinsHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(TakeWhilePurseEmpty c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(TakeWhilePurseEmptyHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(AddCoinsAndOpenPurse c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(AddCoinsAndOpenPurseHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(Deliver c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(DeliverHandler), c, s, m, ct);
    public static Task<CommandDone> Handle(Flaky c, IDocumentSession s, IMessageContext m, CommandRules r, CancellationToken ct) => r.RunAsync(typeof(FlakyHandler), c, s, m, ct);
}

internal static class EventsExtensions
{
    public static Events Also(this Events events, Action<Events> add)
    {
        add(events);
        return events;
    }
}

/// <summary>t_coins: each jar's and purse's coins, inline (Marten runs it in the commit). It refuses <see cref="Poisoned"/>, failing the commit.</summary>
public sealed class CoinTotals : Marten.Events.Projections.IProjection
{
    public const string SchemaSql = "create table if not exists t_coins (id uuid primary key, cents bigint not null)";

    public Task ApplyAsync(Marten.IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var (id, delta) = e.Data switch
            {
                JarOpened o => (o.JarId, 0L),
                PurseOpened o => (o.PurseId, 0L),
                CoinsAdded a => (a.StreamId, a.Cents),
                CoinsTaken t => (t.StreamId, -t.Cents),
                Poisoned => throw new InvalidOperationException("coin_totals refuses a poisoned jar"),
                _ => (Guid.Empty, 0L),
            };
            if (id == Guid.Empty) continue;
            operations.QueueSqlCommand(
                "insert into t_coins (id, cents) values (?, ?) on conflict (id) do update set cents = t_coins.cents + excluded.cents", id, delta);
        }
        return Task.CompletedTask;
    }
}
