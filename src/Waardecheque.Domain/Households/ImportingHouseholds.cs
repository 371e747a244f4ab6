using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Households;

/// <summary>The municipality uploads the address list (CSV text, already decoded from UTF-8).</summary>
public sealed record ImportHouseholds(Guid ProgramId, string CsvText)
{
    /// <summary>Tells the pipeline which register stream to load: <c>{T.Name}Id</c> for <see cref="HouseholdRegister"/>.</summary>
    public Guid HouseholdRegisterId => HouseholdRegister.StreamIdFor(ProgramId);
}

public static class ImportHouseholdsHandler
{
    public static Events Handle(ImportHouseholds cmd, Program program, HouseholdRegister register, DateTimeOffset now)
    {
        Rule.Require(program.State != ProgramState.Closed, ErrorCodes.InvalidState, "Deze regeling is gesloten; er kunnen geen adressen meer bij.");

        var parsed = HouseholdCsv.Parse(cmd.CsvText, program.Id, program.HasBuurt);
        // All or nothing: one bad row and nothing is imported, with every bad row listed.
        if (parsed.Errors.Count > 0) throw RuleViolation.InvalidRows(parsed.Errors);

        var seen = new HashSet<Guid>();
        var fresh = new List<Household>();
        foreach (var (_, household) in parsed.Rows)
            if (!register.Contains(household.HouseholdId) && seen.Add(household.HouseholdId)) fresh.Add(household);
        var duplicates = parsed.Rows.Count - fresh.Count;

        var events = new Events();
        foreach (var chunk in fresh.Chunk(HouseholdRegister.ChunkSize))
            events.Add(register.Id, new HouseholdsImported(program.Id, chunk));
        events.Add(register.Id, new HouseholdImportCompleted(program.Id, fresh.Count, duplicates, now));
        return events;
    }
}
