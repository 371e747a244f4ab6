using System.Collections.Immutable;

namespace Waardecheque.Domain.Households;

public sealed record HouseholdRegisterOpened(Guid ProgramId);
/// <summary>At most <see cref="HouseholdRegister.ChunkSize"/> households per event, so no event body grows huge.</summary>
public sealed record HouseholdsImported(Guid ProgramId, IReadOnlyList<Household> Households);
/// <summary>Closes one import: how many addresses were new and how many were skipped as duplicates.</summary>
public sealed record HouseholdImportCompleted(Guid ProgramId, int Imported, int Duplicates, DateTimeOffset CompletedAt);

/// <summary>
/// The program's address list, one stream per program. It keeps only the set of household ids (each id stands
/// for one normalised address), which is what the duplicate rule needs. Limit: folding it costs memory and time
/// in proportion to the households (about 100 MB at 1 million); a country-sized program would need a unique
/// index in the store instead.
/// </summary>
public sealed record HouseholdRegister(Guid Id, Guid ProgramId, ImmutableHashSet<Guid> HouseholdIds, long Version)
{
    public const int ChunkSize = 1_000;

    public static Guid StreamIdFor(Guid programId) => DeterministicGuid.Create(programId, "household-register");

    public static HouseholdRegister Create(HouseholdRegisterOpened e) => new(StreamIdFor(e.ProgramId), e.ProgramId, [], 1);

    public HouseholdRegister Apply(HouseholdsImported e) => this with
    {
        HouseholdIds = HouseholdIds.Union(e.Households.Select(h => h.HouseholdId)),
    };

    /// <summary>Changes nothing: the import's summary is a record for the staff, not a state.</summary>
    public HouseholdRegister Apply(HouseholdImportCompleted _) => this;

    public int Count => HouseholdIds.Count;
    public bool Contains(Guid householdId) => HouseholdIds.Contains(householdId);
}
