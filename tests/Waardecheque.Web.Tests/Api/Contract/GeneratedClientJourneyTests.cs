using System.Net.Http.Headers;
using System.Text;
using Waardecheque.Web.Tests.Api.Contract.Client;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Api.Contract;

/// <summary>
/// An integrator's client, generated at build time from docs/openapi-v1.json (NSwag, see the test project file), drives
/// the whole journey: every request and answer through its types, every refusal a typed problem with a typed code.
/// The only things the test knows besides the document are the households' letters (their codes; the test knows the
/// server's code key) and the bearer token it puts on each client's HttpClient.
/// </summary>
public sealed class GeneratedClientJourneyTests(ContractHost host) : IClassFixture<ContractHost>
{
    private const string Tuinen = ApiWorld.Tuinen, Vaarten = ApiWorld.Vaarten, Weiden = ApiWorld.Weiden;
    private const string StaffPassword = "een lang demowachtwoord";

    [Fact]
    public async Task an_integrator_drives_the_whole_journey_through_the_generated_client()
    {
        var anonymous = Client();

        // Staff sign in; the admin adds a connector and an auditor.
        var adminSession = await anonymous.StaffSignInAsync(new StaffLoginRequest { Email = TestApp.AdminEmail, Password = TestApp.AdminPassword });
        Assert.Equal(StaffRole.Admin, adminSession.Role);
        var admin = Client(adminSession.Token);
        var moderator = await StaffAsync(admin, anonymous, "verbinder@contract.example", StaffRole.Moderator);
        var auditor = await StaffAsync(admin, anonymous, "controller@contract.example", StaffRole.Auditor);

        // The municipality sets up a program and imports its address list: a bad row first (typed rows), then the real one.
        var now = DateTimeOffset.UtcNow;
        var program = await admin.CreateProgramAsync(new CreateProgramRequest
        {
            Name = "Seghwaert Doet 2026",
            MunicipalityCode = "GM0637",
            Buurten = [new BuurtRequest { Code = Tuinen, Name = "Tuinen" }, new BuurtRequest { Code = Vaarten, Name = "Vaarten" },
                new BuurtRequest { Code = Weiden, Name = "Weiden" }],
            OpensAt = now,
            ClosesAt = now.AddDays(60),
            ChequeValueCents = 750,
            Rules = new RulesRequest { MinHouseholdsPerIdea = 3, MinPledgeCents = 100, MaxIdeaTargetCents = 150000, Moderation = true },
        });
        var badRows = await Refused(() => admin.ImportHouseholdsAsync(program.Id,
            Csv("postcode,huisnummer,huisletter,toevoeging,straat,buurtcode\n0123 AB,1,,,Rozentuin,BU06370301\n")));
        Assert.Equal(ProblemCode.Invalid_rows, badRows.Code);
        Assert.Equal(2, Assert.Single(badRows.Rows).Line);

        var imported = await admin.ImportHouseholdsAsync(program.Id, Csv(ApiWorld.StandardCsv()));
        Assert.Equal(ApiWorld.StandardHouseholds, imported.Imported);
        Assert.Equal(ProgramState.Open, (await admin.OpenProgramAsync(program.Id)).State);
        var issued = await admin.IssueChequesAsync(program.Id);
        Assert.Equal((ApiWorld.StandardHouseholds, 750L * ApiWorld.StandardHouseholds), (issued.Issued, issued.TotalCents));
        using (var letters = await admin.PrintLettersAsync(program.Id))
        {
            Assert.Equal("application/pdf", letters.Headers["Content-Type"].Single().Split(';')[0]);
            Assert.Equal("%PDF", Encoding.ASCII.GetString((await Bytes(letters.Stream))[..4]));
        }

        // Residents sign in with the codes on their letters; a mistyped code is refused before any lookup.
        var typo = await Refused(() => anonymous.ResidentSignInAsync(new ResidentSignInRequest { Code = "K7QM-3XRP" }));
        Assert.Equal(ProblemCode.Invalid_code, typo.Code);
        var initiator = await ResidentAsync(anonymous, program.Id, "Rozentuin", 1);
        var neighbour = await ResidentAsync(anonymous, program.Id, "Rozentuin", 2);
        var thirdNeighbour = await ResidentAsync(anonymous, program.Id, "Rozentuin", 3);
        var farAway = await ResidentAsync(anonymous, program.Id, "Noordvaart", 1);
        Assert.Equal(ChequeState.Activated, (await initiator.GetResidentChequeAsync()).State);

        // An idea for the street: proposed, refused while waiting for the connector, approved.
        var idea = await initiator.ProposeIdeaAsync(new ProposeIdeaRequest
        {
            Title = "Een bankje bij de speeltuin",
            Description = "Om samen te zitten.",
            Scope = new ScopeRequest { Kind = ScopeKind.Street, BuurtCode = Tuinen, Street = "Rozentuin" },
            TargetCents = 1500,
            Deadline = now.AddDays(30),
        });
        Assert.Equal(IdeaState.Submitted, idea.State);
        Assert.Equal(ProblemCode.Idea_not_open, (await Refused(() => neighbour.PledgeAsync(idea.Id, new PledgeRequest { AmountCents = 500 }))).Code);
        Assert.Equal(IdeaState.Open, (await moderator.ApproveIdeaAsync(idea.Id)).State);
        var listed = await anonymous.ListIdeasAsync(program.Id, buurt: Tuinen);
        Assert.Equal(ScopeKind.Street, Assert.Single(listed).Scope.Kind);

        // Pledges: the rules refuse with typed codes; an Idempotency-Key makes a retry return the first answer.
        Assert.Equal(ProblemCode.Not_a_neighbour, (await Refused(() => farAway.PledgeAsync(idea.Id, new PledgeRequest { AmountCents = 500 }))).Code);
        Assert.Equal(ProblemCode.Invalid_amount, (await Refused(() => neighbour.PledgeAsync(idea.Id, new PledgeRequest { AmountCents = 0 }))).Code);
        var tooMuch = await Refused(() => neighbour.PledgeAsync(idea.Id, new PledgeRequest { AmountCents = 1000 }));
        Assert.Equal(ProblemCode.Insufficient_credit, tooMuch.Code);
        Assert.Equal(750, tooMuch.AvailableCents);
        var first = await initiator.PledgeAsync(idea.Id, new PledgeRequest { AmountCents = 500 }, "journey-pledge-1");
        var retried = await initiator.PledgeAsync(idea.Id, new PledgeRequest { AmountCents = 500 }, "journey-pledge-1");
        Assert.Equal((500L, 1), (retried.PledgedCents, retried.Households));
        Assert.Equal(first.PledgedCents, retried.PledgedCents);
        await neighbour.PledgeAsync(idea.Id, new PledgeRequest { AmountCents = 500 }, "journey-pledge-2");
        var funded = await thirdNeighbour.PledgeAsync(idea.Id, new PledgeRequest { AmountCents = 500 });
        Assert.Equal((IdeaState.Funded, 1500L, 3), (funded.State, funded.PledgedCents, funded.Households));

        // The initiator spends with a receipt; the connector approves, pays and completes.
        var expense = await initiator.SubmitExpenseAsync(idea.Id, 1200, "Tuincentrum De Roos", "Een bankje",
            new FileParameter(new MemoryStream(ApiWorld.PdfReceipt), "bon.pdf", "application/pdf"));
        var overBudget = await Refused(() => initiator.SubmitExpenseAsync(idea.Id, 400, "Tuincentrum De Roos", "Een kussen",
            new FileParameter(new MemoryStream(ApiWorld.PdfReceipt), "bon2.pdf", "application/pdf")));
        Assert.Equal(ProblemCode.Over_budget, overBudget.Code);
        Assert.Equal(ExpenseState.Approved, (await moderator.ApproveExpenseAsync(expense.Id)).State);
        Assert.Equal(ExpenseState.Paid, (await moderator.MarkExpensePaidAsync(expense.Id, new PaidRequest { Reference = "NL-2026-0001" })).State);
        using (var receipt = await moderator.GetExpenseReceiptAsync(expense.Id))
            Assert.Equal(ApiWorld.PdfReceipt, await Bytes(receipt.Stream));
        var completed = await moderator.CompleteIdeaAsync(idea.Id);
        Assert.Equal((IdeaState.Completed, 1200L, 300L), (completed.State, completed.SpentCents, completed.ReturnedCents));

        // The auditor: the books reconcile, the journal is CSV, the events carry their headers, the chains are intact.
        var books = await auditor.ProgramAuditAsync(program.Id);
        Assert.True(books.Reconciles);
        Assert.Equal((1200L, 300L), (books.SpentCents, books.ReturnedCents));
        using (var journal = await auditor.ProgramJournalAsync(program.Id))
            Assert.StartsWith("seq,time,eventType,", Encoding.UTF8.GetString(await Bytes(journal.Stream)));
        var events = await auditor.StreamEventsAsync(idea.Id);
        Assert.Contains(events.Events, e => e.Headers?.ContainsKey("idempotency-key") == true);
        var integrity = await auditor.VerifyIntegrityAsync();
        Assert.True(integrity.Valid);
        Assert.Null(integrity.FirstBrokenSeq);
    }

    private WaardechequeClient Client(string? token = null)
    {
        var http = host.App.CreateClient();
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new WaardechequeClient(http);
    }

    private async Task<WaardechequeClient> StaffAsync(WaardechequeClient admin, WaardechequeClient anonymous, string email, StaffRole role)
    {
        await admin.AddStaffAsync(new AddStaffRequest { Email = email, Password = StaffPassword, Role = role });
        var session = await anonymous.StaffSignInAsync(new StaffLoginRequest { Email = email, Password = StaffPassword });
        Assert.Equal(role, session.Role);
        return Client(session.Token);
    }

    private async Task<WaardechequeClient> ResidentAsync(WaardechequeClient anonymous, Guid programId, string street, int number)
    {
        var session = await anonymous.ResidentSignInAsync(new ResidentSignInRequest { Code = ApiWorld.CodeFor(programId, street, number) });
        Assert.Equal(street, session.Cheque.Household.Street);
        return Client(session.Token);
    }

    /// <summary>The typed problem a refused call throws.</summary>
    private static async Task<ApiProblem> Refused(Func<Task> call) => (await Assert.ThrowsAsync<ApiException<ApiProblem>>(call)).Result;

    private static MemoryStream Csv(string text) => new(Encoding.UTF8.GetBytes(text));

    private static async Task<byte[]> Bytes(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
