using System.Text;
using Waardecheque.Domain.Households;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests.Households;

public class ImportingHouseholdsTests
{
    private static readonly DateTimeOffset Now = Clock.Now;
    private const string Header = "postcode,huisnummer,huisletter,toevoeging,straat,buurtcode";
    private readonly Program _program = AProgram.Draft();
    private readonly HouseholdRegister _register;

    public ImportingHouseholdsTests() => _register = HouseholdRegister.Create(new HouseholdRegisterOpened(_program.Id));

    private Events Import(string csv, HouseholdRegister? register = null) =>
        ImportHouseholdsHandler.Handle(new ImportHouseholds(_program.Id, csv), _program, register ?? _register, Now);

    private static string Csv(params string[] lines) => string.Join("\n", lines);

    private RuleViolation Refused(string csv) => Assert.Throws<RuleViolation>(() => Import(csv));

    [Fact]
    public void the_municipality_imports_an_address_list_and_every_address_is_normalised()
    {
        var events = Import(Csv(Header,
            "2725ab,12,,,Dorpsstraat,BU06370301",
            "2725 AB,12,b,2,Dorpsstraat,bu06370301",
            "2726 CD,7,,,Kerkstraat,BU06370302"));

        var households = events.All<HouseholdsImported>().SelectMany(e => e.Households).ToList();
        Assert.Equal(3, households.Count);
        Assert.Equal(("2725 AB", "B", "2", "BU06370301"), (households[1].Postcode, households[1].Huisletter, households[1].Toevoeging, households[1].BuurtCode));
        Assert.Equal(new HouseholdImportCompleted(_program.Id, 3, 0, Now), events.One<HouseholdImportCompleted>());
        Assert.All(events, e => Assert.Equal(_register.Id, e.StreamId));
    }

    [Fact]
    public void a_file_from_a_dutch_spreadsheet_with_semicolons_quotes_and_a_byte_order_mark_is_read()
    {
        var csv = "\uFEFF" + Csv("Postcode;Huisnummer;Huisletter;Toevoeging;Straat;Buurtcode",
            "2725 AB;1;;;\"Laan van Oost; zijde\";BU06370301",
            "2725 AB;3;;;\"Zegwaartseweg\";BU06370301;;");

        var households = Import(csv).All<HouseholdsImported>().SelectMany(e => e.Households).ToList();

        Assert.Equal(["Laan van Oost; zijde", "Zegwaartseweg"], households.Select(h => h.Street));
    }

    [Fact]
    public void columns_may_come_in_any_order()
    {
        var households = Import(Csv("straat,buurtcode,postcode,huisnummer,huisletter,toevoeging", "Dorpsstraat,BU06370301,2725 AB,5,,"))
            .All<HouseholdsImported>().SelectMany(e => e.Households);

        Assert.Equal(5, Assert.Single(households).Huisnummer);
    }

    [Fact]
    public void every_bad_row_is_reported_with_its_line_and_field_and_nothing_is_imported()
    {
        var error = Refused(Csv(Header,
            "2725 AB,1,,,Dorpsstraat,BU06370301",        // 2: fine
            "0725 AB,1,,,Dorpsstraat,BU06370301",        // 3: leading zero
            "2725 SS,1,,,Dorpsstraat,BU06370301",        // 4: SS is never used
            "2725 AB,0,,,Dorpsstraat,BU06370301",        // 5: house number 0
            "2725 AB,100000,AB,12345,,BU06370301",       // 6: four problems at once
            "2725 AB,2,,,Dorpsstraat,BU99999999",        // 7: buurt outside the program
            "2725 AB,2,,,Dorpsstraat",                   // 8: a field short
            "",                                          // 9: blank lines are skipped
            "2725AB,2a,,,Dorpsstraat,BU06370301"));      // 10: not a number

        Assert.Equal(ErrorCodes.InvalidRows, error.Code);
        Assert.Equal(
        [
            (3, "postcode"), (4, "postcode"), (5, "huisnummer"),
            (6, "huisnummer"), (6, "huisletter"), (6, "toevoeging"), (6, "straat"),
            (7, "buurtcode"), (8, "regel"), (10, "huisnummer"),
        ], error.Rows.Select(r => (r.Line, r.Field)));
        Assert.All(error.Rows, r => Assert.False(string.IsNullOrWhiteSpace(r.Message)));
    }

    [Fact]
    public void a_file_without_the_expected_header_is_refused_at_line_one()
    {
        var error = Refused(Csv("postcode,nummer,straat,buurt", "2725 AB,1,Dorpsstraat,BU06370301"));

        var row = Assert.Single(error.Rows);
        Assert.Equal((1, "header"), (row.Line, row.Field));
    }

    [Fact]
    public void an_empty_file_is_refused()
    {
        Assert.Equal((1, "header"), Refused("").Rows.Select(r => (r.Line, r.Field)).Single());
    }

    [Fact]
    public void text_that_was_not_utf8_is_reported_instead_of_imported_garbled()
    {
        var latin1 = Encoding.Latin1.GetBytes(Csv(Header, "2725 AB,1,,,Rue de la Pâte,BU06370301"));
        var decodedAsUtf8 = Encoding.UTF8.GetString(latin1);   // what the web layer gets from a Latin-1 upload

        Assert.Equal((2, "regel"), Refused(decodedAsUtf8).Rows.Select(r => (r.Line, r.Field)).Single());
    }

    [Fact]
    public void an_address_twice_in_the_file_is_imported_once_and_counted_as_a_duplicate()
    {
        var events = Import(Csv(Header,
            "2725 AB,12,a,,Dorpsstraat,BU06370301",
            "2725ab,12,A,,Dorpsstraat,BU06370301",
            "2725 AB,12,,,Dorpsstraat,BU06370301"));

        Assert.Equal((2, 1), (events.One<HouseholdImportCompleted>().Imported, events.One<HouseholdImportCompleted>().Duplicates));
    }

    [Fact]
    public void importing_the_same_file_again_imports_nothing_twice()
    {
        var csv = Csv(Header, "2725 AB,1,,,Dorpsstraat,BU06370301", "2725 AB,2,,,Dorpsstraat,BU06370301");
        var register = _register.After(Import(csv));

        var again = Import(Csv(Header, "2725 AB,1,,,Dorpsstraat,BU06370301", "2725 AB,3,,,Dorpsstraat,BU06370301"), register);

        Assert.Equal((1, 1), (again.One<HouseholdImportCompleted>().Imported, again.One<HouseholdImportCompleted>().Duplicates));
        Assert.Equal(3, register.After(again).Count);
    }

    [Fact]
    public void a_large_list_is_written_in_chunks_of_at_most_a_thousand_households()
    {
        var lines = Enumerable.Range(1, 2_500).Select(n => $"2725 AB,{n},,,Dorpsstraat,BU06370301");

        var events = Import(Csv([Header, .. lines]));

        Assert.Equal([1_000, 1_000, 500], events.All<HouseholdsImported>().Select(e => e.Households.Count));
    }

    [Fact]
    public void a_household_keeps_its_id_within_a_program_and_gets_another_in_another_program()
    {
        var key = Household.AddressKeyOf("2725 AB", 12, "A", null);

        Assert.Equal(Household.IdFor(_program.Id, key), Household.IdFor(_program.Id, Household.AddressKeyOf("2725AB", 12, "a", null)));
        Assert.NotEqual(Household.IdFor(_program.Id, key), Household.IdFor(Guid.NewGuid(), key));
    }

    [Fact]
    public void a_closed_program_takes_no_more_addresses()
    {
        var closed = AProgram.Closed();

        var error = Assert.Throws<RuleViolation>(() => ImportHouseholdsHandler.Handle(
            new ImportHouseholds(closed.Id, Csv(Header, "2725 AB,1,,,Dorpsstraat,BU06370301")), closed,
            HouseholdRegister.Create(new HouseholdRegisterOpened(closed.Id)), Now));

        Assert.Equal(ErrorCodes.InvalidState, error.Code);
    }
}
