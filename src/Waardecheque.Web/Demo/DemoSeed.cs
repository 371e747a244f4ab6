using Wolverine;
using Wolverine.Runtime;
using MessageContext = Waardecheque.Domain.MessageContext;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;
using Waardecheque.Domain;
using Waardecheque.ReadModels;
using Waardecheque.Payments;
using Waardecheque.ReadModels.Queries;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Errors;
using Waardecheque.Web.Features.Expenses;
using Waardecheque.Web.Features.Issuing.Printing;
using Waardecheque.Web.Health;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Pages;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Demo;

public static class DemoSeedServices
{
    internal static IServiceCollection AddDemoSeed(this IServiceCollection services)
    {
        services.AddSingleton<DemoSeed>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoSeed>());
        return services;
    }
}

/// <summary>
/// With <c>Waardecheque:Demo=true</c>: once the app has started and its startup tasks are done, fills an empty
/// database with the demo program "Seghwaert Doet 2026" through the same commands the API uses, then prints where to
/// go and how to sign in. Runs once: a database that has any program is left alone (several processes starting
/// together take an advisory lock first); the sign-in lines are printed again on every start.
/// </summary>
internal sealed class DemoSeed(
    IConfiguration config, StoreHolder holder, IServiceProvider services, CodeKey key, StaffAccounts staff, Receipts receipts,
    TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DemoSeed> log) : BackgroundService
{
    // Resolved once the store is open: the command bus needs it, and hosted services are built before startup tasks run.
    private IMessageBus bus = null!;

    public const string ModeratorEmail = "verbinder@seghwaert.demo";
    public const string ModeratorPassword = "Demo-Verbinder-2026!";
    public const string AuditorEmail = "controller@seghwaert.demo";
    public const string AuditorPassword = "Demo-Controller-2026!";
    private const long SeedLock = 0x5761_6172_6465_02;

    /// <summary>Done (seeded, or found seeded) and what was printed; tests wait on it.</summary>
    public TaskCompletionSource<DemoSummary?> Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!config.GetValue(WebConfig.Demo, false))
        {
            Completed.TrySetResult(null);
            return;
        }
        try
        {
            await WaitUntilReadyAsync(stoppingToken);
            var summary = await SeedOnceAsync(stoppingToken);
            if (summary is not null) summary = summary with { TopUpIdea = await OpenIdeaAsync(summary.ProgramId, stoppingToken) };
            if (summary is not null) Print(summary);
            Completed.TrySetResult(summary);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Completed.TrySetCanceled(stoppingToken);
        }
        catch (Exception e)
        {
            log.LogError(e, "Seeding the demo program failed");
            Completed.TrySetException(e);
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(ct);
        var health = services.GetRequiredService<HealthCheckService>();
        while (true)
        {
            if (holder.IsReady && (await health.CheckReadinessAsync(ct)).Status == HealthStatus.Healthy)
            {
                bus = new MessageBus(services.GetRequiredService<IWolverineRuntime>());
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
    }

    private async Task<DemoSummary?> SeedOnceAsync(CancellationToken ct)
    {
        var db = holder.Store.DataSource;
        await using var connection = await db.OpenConnectionAsync(ct);
        try
        {
            // Taken inside the try: the store's pooled connections are not reset when handed out again, so a lock
            // granted just as the caller gave up (a cancelled take) must still be released below.
            await using (var take = new NpgsqlCommand($"select pg_advisory_lock({SeedLock})", connection)) await take.ExecuteNonQueryAsync(ct);
            if (await ProgramQueries.AnyAsync(db, ct))
            {
                var programs = await ProgramQueries.ListAsync(db, ct);
                var demo = programs.FirstOrDefault(p => p.Name == DemoData.ProgramName && p.MunicipalityCode == DemoData.MunicipalityCode);
                if (demo is null)
                {
                    log.LogInformation("Demo not seeded: the database already has programs");
                    return null;
                }
                log.LogInformation("Demo program already seeded; not seeding again");
                return Summary(demo.Id, seededNow: false);
            }
            var programId = await SeedAsync(ct);
            return Summary(programId, seededNow: true);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"select pg_advisory_unlock({SeedLock})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task<Guid> SeedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var admin = (await staff.ListAsync(ct)).FirstOrDefault(s => s.Role == Roles.Admin);
        var adminContext = admin is null ? MessageContext.System("demo") : new MessageContext($"staff:{admin.Id}");
        var moderatorId = await EnsureStaffAsync(ModeratorEmail, ModeratorPassword, Roles.Moderator, ct);
        await EnsureStaffAsync(AuditorEmail, AuditorPassword, Roles.Auditor, ct);
        var moderator = new MessageContext($"staff:{moderatorId}");

        // The program runs to the end of 2026 (Dutch time), or two months from now when the demo runs later than that.
        var endOf2026 = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(1)).ToUniversalTime();
        var closesAt = endOf2026 > now.AddDays(14) ? endOf2026 : now.AddDays(60);
        var programId = Guid.CreateVersion7();
        await bus.InvokeCommandAsync(new CreateProgram(programId, DemoData.ProgramName, DemoData.MunicipalityCode, DemoData.Buurten, 750,
            now, closesAt), adminContext, ct);
        await bus.InvokeCommandAsync(new ImportHouseholds(programId, DemoData.Csv()), adminContext, ct);
        await bus.InvokeCommandAsync(new OpenProgram(programId), adminContext, ct);
        await ChequeIssuing.IssueAsync(holder.Store, programId, adminContext, time, ct);

        Guid Cheque(string street, int number) => ChequeOf(programId, DemoData.At(street, number));
        async Task Activate(Guid cheque) => await bus.InvokeCommandAsync(new ActivateCheque(cheque), Resident(cheque), ct);
        async Task PledgeAsync(Guid idea, Guid cheque, long cents)
        {
            await Activate(cheque);
            await bus.InvokeCommandAsync(new Pledge(idea, cheque, cents), Resident(cheque), ct);
        }
        async Task<Guid> ProposeAsync(Guid cheque, string title, string description, Scope scope, long target)
        {
            await Activate(cheque);
            var id = Guid.CreateVersion7();
            await bus.InvokeCommandAsync(new ProposeIdea(id, cheque, title, description, scope, target, closesAt.AddDays(-2)), Resident(cheque), ct);
            return id;
        }

        // Open, with two of the three households it needs.
        var picnic = await ProposeAsync(Cheque("Rozentuin", 3), TopUpIdeaTitle,
            "Een stevige houten picknicktafel op het grasveld halverwege de Rozentuin, voor koffie met de buren en verjaardagen buiten.",
            Scope.ForStreet(DemoData.Tuinen, "Rozentuin"), 3000);
        await bus.InvokeCommandAsync(new ApproveIdea(picnic, moderatorId), moderator, ct);
        await PledgeAsync(picnic, Cheque("Rozentuin", 3), 750);
        await PledgeAsync(picnic, Cheque("Rozentuin", 12), 500);

        // Funded by three households of the buurt.
        var barbecue = await ProposeAsync(Cheque("Noordvaart", 4), "Buurtbarbecue De Vaarten",
            "Een barbecue op het pleintje aan de Trekvaart op de laatste zaterdag van de maand, voor iedereen uit de Vaarten.",
            Scope.ForBuurt(DemoData.Vaarten), 2250);
        await bus.InvokeCommandAsync(new ApproveIdea(barbecue, moderatorId), moderator, ct);
        await PledgeAsync(barbecue, Cheque("Noordvaart", 4), 750);
        await PledgeAsync(barbecue, Cheque("Zuidvaart", 9), 750);
        await PledgeAsync(barbecue, Cheque("Lange Vaart", 17), 750);

        // Funded, and spending: one expense approved and paid, one waiting for a connector.
        var planters = await ProposeAsync(Cheque("Klaverweide", 2), "Bloembakken Klaverweide",
            "Vier grote bloembakken met vaste planten bij de ingang van de Klaverweide; de bewoners onderhouden ze samen.",
            Scope.ForStreet(DemoData.Weiden, "Klaverweide"), 3000);
        await bus.InvokeCommandAsync(new ApproveIdea(planters, moderatorId), moderator, ct);
        foreach (var number in new[] { 2, 5, 8, 11 }) await PledgeAsync(planters, Cheque("Klaverweide", number), 750);
        var initiator = Cheque("Klaverweide", 2);
        var household = (await ChequeQueries.GetAsync(holder.Store.DataSource, initiator, ct))!.HouseholdId;
        var bakken = await receipts.SaveAsync("application/pdf",
            DemoData.ReceiptPdf("Tuincentrum Seghwaert: 4 bloembakken", "Totaal EUR 18,50"), "bon-bloembakken.pdf", ct);
        var bakkenId = Guid.CreateVersion7();
        await bus.InvokeCommandAsync(new SubmitExpense(planters, bakkenId, household, 1850, "Tuincentrum Seghwaert", "Vier bloembakken",
            bakken.Reference), Resident(initiator), ct);
        await bus.InvokeCommandAsync(new ApproveExpense(planters, bakkenId, moderatorId), moderator, ct);
        if (admin is not null)
            await bus.InvokeCommandAsync(new MarkExpensePaid(planters, bakkenId, admin.Id, "NL-DEMO-2026-0001"), adminContext, ct);
        var planten = await receipts.SaveAsync("application/pdf",
            DemoData.ReceiptPdf("Kwekerij Rokkeveen: vaste planten", "Totaal EUR 9,75"), "bon-planten.pdf", ct);
        await bus.InvokeCommandAsync(new SubmitExpense(planters, Guid.CreateVersion7(), household, 975, "Kwekerij Rokkeveen",
            "Vaste planten en potgrond", planten.Reference), Resident(initiator), ct);

        // Waiting for a connector.
        await ProposeAsync(Cheque("Appeltuin", 6), "Speeltoestel voor de Tuinen",
            "Een klein klimrek voor jonge kinderen op het speelveldje achter de Appeltuin.", Scope.ForBuurt(DemoData.Tuinen), 15000);

        log.LogInformation("Demo program {ProgramId} seeded", programId);
        return programId;
    }

    /// <summary>An open idea to top up in the banner's example (the picnic table when it is still open).</summary>
    private async Task<(Guid Id, string Title)?> OpenIdeaAsync(Guid programId, CancellationToken ct)
    {
        var open = await IdeaQueries.ListAsync(holder.Store.DataSource, programId, new IdeaFilter(States: ["Open"]), ct);
        return open.Count == 0 ? null : (open[^1].Id, open[^1].Title);
    }

    private static Guid ChequeOf(Guid programId, DemoData.DemoAddress address)
    {
        var household = Household.IdFor(programId, Household.AddressKeyOf(address.Postcode, address.Number, address.Letter, null));
        return Cheque.IdFor(programId, household);
    }

    private static MessageContext Resident(Guid chequeId) => new($"cheque:{chequeId}");

    /// <summary>The idea the banner suggests topping up: open, in the Rozentuin, the street of the first printed letter.</summary>
    public const string TopUpIdeaTitle = "Picknicktafel in de Rozentuin";

    /// <summary>
    /// How a person tops up an idea with own money in the demo, in the browser: the first printed letter, an open idea
    /// of its street, the idea page's form, the checkout page (the built-in Stripe sandbox's when no Stripe key is
    /// configured: no real money moves), the return page. The button and heading names are the pages' own Dutch texts.
    /// </summary>
    public static IReadOnlyList<string> TopUpHelp(DemoSummary s)
    {
        var title = s.TopUpIdea?.Title ?? TopUpIdeaTitle;
        var lines = new List<string>
        {
            s.StripeSandbox
                ? $"Top-ups (own money, \"{PageTexts.Dutch["topup.title"]}\"; iDEAL in the built-in Stripe sandbox: NO real money moves):"
                : $"Top-ups (own money, \"{PageTexts.Dutch["topup.title"]}\"; iDEAL through the configured Stripe account):",
            $"  1. Open {s.Cheques[0].Url} ({s.Cheques[0].Address}) and pick an open idea under \"{PageTexts.Dutch["mine.ideas.title"]}\"" +
                (title == TopUpIdeaTitle ? $", e.g. \"{title}\"." : "."),
            $"  2. Under \"{PageTexts.Dutch["topup.title"]}\" fill in an amount (e.g. 5) and press \"{PageTexts.Dutch["topup.submit"]}\".",
        };
        if (s.StripeSandbox)
        {
            lines.Add($"  3. The sandbox's test payment page opens ({s.BaseUrl}/stripe-sandbox/checkout/...): press \"Betaal € 5,00 met iDEAL\"");
            lines.Add("     (or \"Annuleren en terug\": nothing is paid).");
        }
        else lines.Add("  3. Pay on Stripe's checkout page.");
        lines.Add($"  4. You come back to /inleg/...: it says paid, cancelled or still waiting (\"{PageTexts.Dutch["topup.return.refresh"]}\"). Once the");
        lines.Add($"     webhook is in, the idea's progress and \"Mijn cheque\" (\"{PageTexts.Dutch["mine.topups.title"]}\") show the money.");
        return lines;
    }

    private async Task<Guid> EnsureStaffAsync(string email, string password, string role, CancellationToken ct)
    {
        var existing = (await staff.ListAsync(ct)).FirstOrDefault(s => s.Email == email);
        if (existing is not null) return existing.Id;
        try
        {
            return await staff.CreateAsync(email, password, role, ct);
        }
        catch (ApiProblemException e) when (e.Status == StatusCodes.Status409Conflict)
        {
            return (await staff.ListAsync(ct)).First(s => s.Email == email).Id;
        }
    }

    private DemoSummary Summary(Guid programId, bool seededNow)
    {
        var baseUrl = config[WebConfig.PublicBaseUrl] ?? "http://localhost:5080";
        var codeKey = key.Bytes;
        (string Street, int Number)[] residents = [("Rozentuin", 3), ("Rozentuin", 8), ("Klaverweide", 2), ("Noordvaart", 11), ("Madeliefweide", 5)];
        var cheques = residents.Select(r =>
        {
            var address = DemoData.At(r.Street, r.Number);
            var code = ChequeCode.Derive(codeKey, ChequeOf(programId, address)).ToString();
            return new DemoCheque(address.ToString(), code, ChequeUrls.For(baseUrl, code));
        }).ToList();
        return new DemoSummary(programId, seededNow, baseUrl, config[WebConfig.BootstrapAdminEmail], config[WebConfig.BootstrapAdminPassword],
            cheques) { StripeSandbox = PaymentsServices.UsesSandbox(config) };
    }

    /// <summary>
    /// Straight to standard output, not through the logger: the log redacts codes and /c/ links on purpose, and these
    /// are the demo's whole point. Only ever printed in demo mode.
    /// </summary>
    private static void Print(DemoSummary s)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("================ Waardecheque demo: " + DemoData.ProgramName + (s.SeededNow ? " (just seeded)" : " (already seeded)"));
        text.AppendLine($"App:      {s.BaseUrl}");
        text.AppendLine($"API:      {s.BaseUrl}/openapi/v1.json");
        text.AppendLine($"Program:  {s.ProgramId}   (ideas: {s.BaseUrl}{ApiServices.Prefix}/programs/{s.ProgramId}/ideas)");
        text.AppendLine($"Staff sign-in: {s.BaseUrl}/beheer/inloggen (API: POST /api/v1/staff/sessions {{email, password}}):");
        text.AppendLine($"  admin      {s.AdminEmail ?? "(no bootstrap admin configured)"}   {s.AdminPassword}");
        text.AppendLine($"  moderator  {ModeratorEmail}   {ModeratorPassword}");
        text.AppendLine($"  auditor    {AuditorEmail}   {AuditorPassword}");
        text.AppendLine("Residents (cheque letters):");
        foreach (var c in s.Cheques) text.AppendLine($"  {c.Address,-18} {c.Code}   {c.Url}");
        text.AppendLine("Residents open a link above (the QR code on their letter); over the API they sign in with the code:");
        text.AppendLine($"  curl -s -X POST {s.BaseUrl}{ApiServices.Prefix}/resident/sessions -H 'Content-Type: application/json' " +
                        $"-d '{{\"code\":\"{s.Cheques[0].Code}\"}}'");
        foreach (var line in TopUpHelp(s)) text.AppendLine(line);
        var idea = s.TopUpIdea is { } open ? open.Id.ToString() : "<ideaId>";
        text.AppendLine("  Over the API with a resident's token" + (s.TopUpIdea is { } example ? $" (\"{example.Title}\" is {example.Id}):" : ":"));
        text.AppendLine($"  curl -s -X POST {s.BaseUrl}{ApiServices.Prefix}/ideas/{idea}/topups -H 'Authorization: Bearer <token>' " +
                        "-H 'Content-Type: application/json' -H \"Idempotency-Key: $(uuidgen)\" -d '{\"amountCents\":500}'");
        text.AppendLine("  then open the checkoutUrl it returns and press \"Betaal ... met iDEAL\"; GET " +
                        $"{s.BaseUrl}{ApiServices.Prefix}/topups/<topUpId> says \"paid\" and the idea's toppedUpCents grows.");
        if (s.StripeSandbox)
            text.AppendLine($"  Payments run in the built-in Stripe sandbox ({s.BaseUrl}/stripe-sandbox; no real money), which delivers its " +
                            $"signed webhooks to {s.BaseUrl}{PaymentsServices.WebhookPath}.");
        text.AppendLine("================");
        Console.Out.Write(text.ToString());
        Console.Out.Flush();
    }
}

public sealed record DemoCheque(string Address, string Code, string Url);

public sealed record DemoSummary(Guid ProgramId, bool SeededNow, string BaseUrl, string? AdminEmail, string? AdminPassword,
    IReadOnlyList<DemoCheque> Cheques)
{
    /// <summary>An open idea for the banner's top-up example, if there is one.</summary>
    public (Guid Id, string Title)? TopUpIdea { get; init; }
    /// <summary>True when payments run in the built-in Stripe sandbox (no Stripe key configured).</summary>
    public bool StripeSandbox { get; init; }
}
