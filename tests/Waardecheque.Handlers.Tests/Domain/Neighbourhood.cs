using Microsoft.Extensions.Time.Testing;
using System.Diagnostics;
using System.Text;
using Npgsql;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Ledger;
using Waardecheque.Domain.Programs;
using Waardecheque.ReadModels;

namespace Waardecheque.Handlers.Tests.Domain;

/// <summary>
/// A program as the municipality sets it up, through the real commands: created with the rule book's defaults,
/// N households imported from CSV, opened, cheques issued (bulk) and activated by their residents. Then ideas are
/// proposed and approved, and residents pledge.
/// </summary>
public sealed class Neighbourhood
{
    public const string Buurt = "BU06370301";
    public const string Street = "Tuinstraat";
    public const long ChequeValue = 750;
    public static readonly byte[] CodeKey = Encoding.UTF8.GetBytes("a test key for cheque codes, 32+ bytes");
    public static readonly Guid Municipality = Guid.CreateVersion7();
    public static readonly Guid Connector = Guid.CreateVersion7();

    private Neighbourhood(DomainApp app, Guid programId, IReadOnlyList<Guid> cheques, FakeTimeProvider clock)
    {
        App = app;
        ProgramId = programId;
        Cheques = cheques;
        Clock = clock;
    }

    public DomainApp App { get; }
    public Guid ProgramId { get; }
    /// <summary>Every household's cheque, activated, in house-number order.</summary>
    public IReadOnlyList<Guid> Cheques { get; }
    public FakeTimeProvider Clock { get; }

    public static MessageContext Staff(Guid staffId) => new($"staff:{staffId}", $"test-{Guid.NewGuid():N}");
    public static MessageContext Resident(Guid chequeId) => new($"cheque:{chequeId}", $"test-{Guid.NewGuid():N}");

    public static async Task<Neighbourhood> CreateAsync(DomainApp app, FakeTimeProvider clock, int households)
    {
        var bus = app.Bus;
        var programId = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        await bus.InvokeAsync(new CreateProgram(programId, "Seghwaert Doet", "GM0637", [new Buurt(Buurt, "Tuinen")], ChequeValue,
            now.AddDays(-1), now.AddDays(30)), Staff(Municipality));

        var csv = new StringBuilder("postcode;huisnummer;huisletter;toevoeging;straat;buurtcode\n");
        for (var n = 1; n <= households; n++) csv.Append($"2725 AB;{n};;;{Street};{Buurt}\n");
        await bus.InvokeAsync(new ImportHouseholds(programId, csv.ToString()), Staff(Municipality));
        await bus.InvokeAsync(new OpenProgram(programId), Staff(Municipality));

        var issued = await ChequeIssuing.IssueAsync(app.Store, programId, Staff(Municipality), clock);
        Assert.Equal(households, issued.Issued);

        var cheques = new List<Guid>();
        await using (var cmd = app.Store.DataSource.CreateCommand("""
            select c.id from rm_cheques c join rm_households h on h.id = c.household_id
            where c.program_id = $1 order by h.huisnummer
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) cheques.Add(reader.GetGuid(0));
        }
        Assert.Equal(households, cheques.Count);
        await Parallel.ForEachAsync(cheques, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (cheque, ct) =>
            await bus.InvokeAsync(new ActivateCheque(cheque), Resident(cheque), ct));
        return new Neighbourhood(app, programId, cheques, clock);
    }

    /// <summary>A resident proposes an idea for the whole buurt and a connector approves it.</summary>
    public async Task<Guid> OpenIdeaAsync(Guid initiatorCheque, long targetCents, TimeSpan? deadlineIn = null)
    {
        var ideaId = Guid.CreateVersion7();
        await App.Bus.InvokeAsync(new ProposeIdea(ideaId, initiatorCheque, "Straatfeest in de Tuinstraat", "Met muziek en soep.",
            Scope.ForBuurt(Buurt), targetCents, Clock.GetUtcNow() + (deadlineIn ?? TimeSpan.FromDays(14))), Resident(initiatorCheque));
        await App.Bus.InvokeAsync(new ApproveIdea(ideaId, Connector), Staff(Connector));
        return ideaId;
    }

    /// <summary>"ok", or the code of the rule that said no. Anything else (a lost request) is thrown.</summary>
    public static async Task<PledgeOutcome> PledgeAsync(CommandHost bus, Guid idea, Guid cheque, long amountCents)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await bus.InvokeAsync(new Pledge(idea, cheque, amountCents), Resident(cheque));
            return new PledgeOutcome(idea, cheque, amountCents, "ok", watch.Elapsed);
        }
        catch (RuleViolation e)
        {
            return new PledgeOutcome(idea, cheque, amountCents, e.Code, watch.Elapsed);
        }
    }

    public Task<Books> BooksAsync() => ProgramLedger.BooksAsync(App.Store, ProgramId);

    public async Task<T> LoadAsync<T>(Guid id) where T : class
    {
        await using var session = App.Store.LightweightSession();
        return await session.Events.FetchLatest<T>(id) ?? throw new InvalidOperationException($"{typeof(T).Name} {id} does not exist");
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var cmd = App.Store.DataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Waits until Wolverine holds no follow-up that is incoming or due (releases after a withdrawal or a close).</summary>
    public async Task FollowUpsDeliveredAsync(TimeSpan? within = null)
    {
        var until = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (await ScalarAsync<bool>("""
                   select exists (select 1 from wolverine_incoming_envelopes
                                  where status = 'Incoming' or (status = 'Scheduled' and execution_time <= now()))
                   """))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("follow-ups still waiting in Wolverine's envelopes");
            await Task.Delay(20);
        }
    }

    public async Task<List<(string Type, long Seq, Guid Stream)>> EventsAsync(params string[] types)
    {
        var list = new List<(string, long, Guid)>();
        await using var cmd = App.Store.DataSource.CreateCommand("""
            select type, seq_id, stream_id from mt_events
            where type = any($1) and (stream_id = $2 or stream_id in (select id from rm_cheques where program_id = $2)
                                                  or stream_id in (select id from rm_ideas where program_id = $2))
            order by seq_id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = types });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ProgramId });
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) list.Add((reader.GetString(0), reader.GetInt64(1), reader.GetGuid(2)));
        return list;
    }

    /// <summary>
    /// The invariants after any race: the books reconcile; no cheque is below zero, in its stream or in rm_cheques,
    /// and both agree; no idea is over its target, in its stream or in rm_ideas, and both agree; the chain verifies.
    /// </summary>
    public async Task AssertConsistentAsync()
    {
        var books = await BooksAsync();
        Assert.True(books.Reconciles, $"the books do not reconcile: {books.Figures()}");

        var rmCheques = new Dictionary<Guid, long>();
        await using (var cmd = App.Store.DataSource.CreateCommand("select id, available_cents from rm_cheques where program_id = $1"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = ProgramId });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rmCheques[reader.GetGuid(0)] = reader.GetInt64(1);
        }
        Assert.Equal(Cheques.Count, rmCheques.Count);
        foreach (var (id, available) in rmCheques)
        {
            var cheque = await LoadAsync<Cheque>(id);
            Assert.True(cheque.AvailableCents >= 0, $"cheque {id} is at {cheque.AvailableCents}");
            Assert.Equal(cheque.AvailableCents, available);
            if (!books.Closed) Assert.Equal(cheque.AvailableCents, books.Cheques[id].BalanceCents);
        }
        if (!books.Closed) Assert.Equal(books.AvailableCents, rmCheques.Values.Sum());

        await using (var cmd = App.Store.DataSource.CreateCommand("""
            select i.id, i.pledged_cents, i.target_cents, i.state,
                   coalesce((select sum(amount_cents) from rm_pledges p where p.idea_id = i.id and not p.released), 0)::bigint,
                   i.households
            from rm_ideas i where i.program_id = $1
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = ProgramId });
            await using var reader = await cmd.ExecuteReaderAsync();
            var rows = new List<(Guid Id, long Pledged, long Target, string State, long Lines, int Households)>();
            while (await reader.ReadAsync())
                rows.Add((reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt32(5)));
            foreach (var row in rows)
            {
                var idea = await LoadAsync<Idea>(row.Id);
                Assert.True(idea.TotalCents <= idea.TargetCents, $"idea {row.Id} holds {idea.TotalCents} of {idea.TargetCents}");
                Assert.Equal(idea.PledgedCents, row.Pledged);
                Assert.Equal(idea.PledgedCents, row.Lines);
                Assert.Equal(idea.State.ToString(), row.State);
                Assert.Equal(idea.HouseholdCount, row.Households);
                Assert.Equal(idea.PledgedCents, books.Ideas[row.Id].PledgedCents);
            }
        }

        var integrity = await App.Store.VerifyAsync();
        Assert.True(integrity.Valid, $"the hash chain breaks at seq {integrity.FirstBrokenSeq}");
    }
}

public sealed record PledgeOutcome(Guid Idea, Guid Cheque, long AmountCents, string Result, TimeSpan Latency)
{
    public bool Ok => Result == "ok";
}

public static class Latency
{
    public static string Summary(IEnumerable<PledgeOutcome> outcomes)
    {
        var sorted = outcomes.Select(o => o.Latency.TotalMilliseconds).Order().ToList();
        double At(double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        return $"{sorted.Count} requests: p50 {At(0.50):F0} ms, p99 {At(0.99):F0} ms, max {sorted[^1]:F0} ms";
    }
}
