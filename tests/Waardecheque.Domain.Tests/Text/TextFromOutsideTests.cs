using Waardecheque.Domain.Cheques;
using Waardecheque.Domain.Ideas;
using Waardecheque.Domain.Programs;

namespace Waardecheque.Domain.Tests.Text;

/// <summary>DOMAIN.md "Text and numbers from outside": the text rule, and every command that takes typed text obeying it.</summary>
public class TextFromOutsideTests
{
    private static readonly DateTimeOffset Now = Clock.Now;

    [Theory]
    [InlineData("Speeltuin", true)]
    [InlineData("Bankje bij de vijver 🌳 en café", true)]     // a proper surrogate pair and accents are fine
    [InlineData("met\u00A0harde spatie", true)]                 // no-break space is no control character
    [InlineData("nul\0", false)]
    [InlineData("bel\u0007", false)]
    [InlineData("tab\tin het midden", false)]                   // the rule book allows only newlines, and only in long texts
    [InlineData("regel\neen", false)]
    [InlineData("del\u007F", false)]
    [InlineData("nel\u0085", false)]                            // C1 controls, U+0080..U+009F
    [InlineData("\u009Faan het eind", false)]
    public void a_single_line_text_is_unicode_without_control_characters(string text, bool readable) =>
        Assert.Equal(readable, Domain.Text.IsReadable(text));

    [Fact]
    public void broken_utf16_is_refused()
    {
        // Built at run time: an attribute argument cannot hold a lone surrogate (it is stored as UTF-8).
        string[] broken =
        [
            "half " + '\uD83C' + " paar",            // lone high surrogate
            "half " + '\uDF33' + " paar",            // lone low surrogate
            "om " + '\uDF33' + '\uD83C' + " gekeerd", // a pair the wrong way round is two lone halves
            "eind " + '\uD83C',                      // a high surrogate as the last character
        ];

        Assert.All(broken, text => Assert.False(Domain.Text.IsReadable(text, TextKind.Long)));
        Assert.True(Domain.Text.IsReadable("boom " + '\uD83C' + '\uDF33'));
    }

    [Theory]
    [InlineData("eerste regel\ntweede regel", true)]
    [InlineData("uit een formulier\r\nmet CRLF", true)]
    [InlineData("tab\tblijft eruit", false)]
    [InlineData("nul\0ook", false)]
    public void a_long_text_may_span_lines_and_nothing_else(string text, bool readable) =>
        Assert.Equal(readable, Domain.Text.IsReadable(text, TextKind.Long));

    [Fact]
    public void text_is_stored_trimmed_and_a_long_text_with_the_browsers_line_breaks_as_plain_newlines() =>
        Assert.Equal(("Titel", "een\ntwee\ndrie"),
            (Domain.Text.Clean("  Titel \t\n"), Domain.Text.Clean("\r\n een\r\ntwee\rdrie \r\n", TextKind.Long)));

    [Fact]
    public void a_trailing_tab_or_newline_is_trimmed_away_rather_than_refused() =>
        Assert.Null(Domain.Text.Problem("Speeltuin\t\n", 1, 120, "lengte"));

    [Fact]
    public void the_length_is_counted_after_trimming() =>
        Assert.Equal("lengte", Domain.Text.Problem("   ab   ", 3, 120, "lengte"));

    /// <summary>Every command with typed text, with a NUL in one field: the field it is in is refused and named.</summary>
    public static TheoryData<string, Action> CommandsWithANul => new()
    {
        { "name", () => CreateProgramHandler.Validate(Program() with { Name = "Seghwaert\0Doet" }) },
        { "buurten[0].name", () => CreateProgramHandler.Validate(Program() with { Buurten = [new Buurt("BU06370301", "Tui\0nen")] }) },
        { "title", () => ProposeIdeaHandler.Validate(Idea() with { Title = "Speel\0tuin" }) },
        { "description", () => ProposeIdeaHandler.Validate(Idea() with { Description = "Een bankje\0" }) },
        { "scope.street", () => ProposeIdeaHandler.Validate(Idea() with { Scope = new Scope(ScopeKind.Street, "BU06370301", "Dorps\0straat") }) },
        { "scope.buurtCode", () => ProposeIdeaHandler.Validate(Idea() with { Scope = new Scope(ScopeKind.Buurt, "BU0637\00301") }) },
        { "reason", () => RejectIdeaHandler.Validate(new RejectIdea(Guid.NewGuid(), Guid.NewGuid(), "past niet\0")) },
        { "reason", () => BlockChequeHandler.Validate(new BlockCheque(Guid.NewGuid(), Guid.NewGuid(), "kwijt\0")) },
        { "payee", () => SubmitExpenseHandler.Validate(Expense() with { Payee = "Gamma\0" }) },
        { "description", () => SubmitExpenseHandler.Validate(Expense() with { Description = "verf\0" }) },
        { "reason", () => DecideExpenseHandler.Validate(new RejectExpense(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "geen bon\0")) },
        { "reference", () => DecideExpenseHandler.Validate(new MarkExpensePaid(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "NL\0123")) },
    };

    [Theory]
    [MemberData(nameof(CommandsWithANul))]
    public void a_nul_in_any_typed_text_is_validation_failed_on_that_field(string field, Action validate)
    {
        var error = Assert.Throws<RuleViolation>(validate);

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal([field], error.FieldErrors.Keys);
        Assert.Equal(Domain.Text.UnreadableMessage, Assert.Single(error.FieldErrors[field]));
    }

    [Fact]
    public void a_lone_surrogate_in_a_reason_is_refused_like_a_control_character()
    {
        var error = Assert.Throws<RuleViolation>(() => RejectIdeaHandler.Validate(new RejectIdea(Guid.NewGuid(), Guid.NewGuid(), "half " + '\uD83C')));

        Assert.Equal(["reason"], error.FieldErrors.Keys);
    }

    [Fact]
    public void a_reason_typed_in_a_textarea_may_span_lines_and_is_kept_with_plain_newlines()
    {
        var program = AProgram.Open();
        var cheque = ACheque.Any().In(program).Issued();

        var events = BlockChequeHandler.Handle(new BlockCheque(cheque.Id, Guid.NewGuid(), "Brief kwijt.\r\nGemeld aan de balie."), cheque, program, Now);

        Assert.Equal("Brief kwijt.\nGemeld aan de balie.", events.One<ChequeBlocked>().Reason);
    }

    private static CreateProgram Program() => new(Guid.NewGuid(), "Seghwaert Doet 2026", "GM0637", [Buurten.Tuinen], 750,
        Now.AddDays(1), Now.AddDays(90));

    private static ProposeIdea Idea() => new(Guid.NewGuid(), Guid.NewGuid(), "Speeltuin", "Een bankje", new Scope(ScopeKind.Buurt, "BU06370301"),
        1_000, Now.AddDays(30));

    private static SubmitExpense Expense() => new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 500, "Gamma", "verf", "receipt:1");
}
