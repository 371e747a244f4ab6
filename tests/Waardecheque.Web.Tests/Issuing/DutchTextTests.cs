using Waardecheque.Web.Features.Issuing.Printing;
using Waardecheque.Web.Texts;

namespace Waardecheque.Web.Tests.Issuing;

public sealed class DutchTextTests
{
    private static readonly TimeSpan Winter = TimeSpan.FromHours(1);
    private static readonly TimeSpan Summer = TimeSpan.FromHours(2);

    [Theory]
    [InlineData(750, "€ 7,50")]
    [InlineData(5, "€ 0,05")]
    [InlineData(150000, "€ 1.500,00")]
    [InlineData(-250, "-€ 2,50")]
    public void amounts_are_written_in_euros_the_dutch_way(long cents, string expected) =>
        Assert.Equal(expected, DutchText.Euros(cents));

    [Fact]
    public void a_program_closing_at_midnight_runs_to_and_including_the_day_before() =>
        Assert.Equal("tot en met 31 december 2026", DutchText.Deadline(new DateTimeOffset(2027, 1, 1, 0, 0, 0, Winter)));

    [Fact]
    public void a_program_closing_during_the_day_names_the_time_in_dutch_local_time() =>
        // 15:00 UTC in June is 17:00 in the Netherlands.
        Assert.Equal("tot 30 juni 2026, 17:00 uur", DutchText.Deadline(new DateTimeOffset(2026, 6, 30, 15, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void a_program_closing_at_a_minute_to_midnight_runs_to_and_including_that_day() =>
        Assert.Equal("tot en met 15 maart 2026", DutchText.Deadline(new DateTimeOffset(2026, 3, 15, 23, 59, 59, Winter)));

    [Fact]
    public void the_date_is_the_dutch_calendar_date_even_when_utc_is_still_the_day_before() =>
        Assert.Equal("1 juli 2026", DutchText.Date(new DateTimeOffset(2026, 6, 30, 22, 30, 0, TimeSpan.Zero)));

    [Theory]
    [InlineData("2716ab", "Zoetermeer", "2716 AB  ZOETERMEER")]
    [InlineData("2716 AB", "zoetermeer ", "2716 AB  ZOETERMEER")]
    public void the_postcode_line_follows_postnl(string postcode, string city, string expected) =>
        Assert.Equal(expected, DutchText.PostcodeLine(postcode, city));

    [Fact]
    public void wrapping_keeps_every_word_in_order_and_every_line_within_the_width()
    {
        const string text = "Een idee gaat door als minstens drie huishoudens meedoen en het hele bedrag bij elkaar is.";

        var lines = TextWrapping.Wrap(text, 20, s => s.Length);

        Assert.All(lines, l => Assert.True(l.Length <= 20, l));
        Assert.Equal(text, string.Join(' ', lines));
    }

    [Fact]
    public void a_word_longer_than_the_line_gets_a_line_of_its_own()
    {
        var lines = TextWrapping.Wrap("kort waardechequeprogramma kort", 10, s => s.Length);

        Assert.Equal(["kort", "waardechequeprogramma", "kort"], lines);
    }

    [Fact]
    public void the_qr_url_is_the_base_address_with_the_code_as_last_segment()
    {
        Assert.Equal("https://w.nl/c/K7QM-3XRP-9T2C-W", ChequeUrls.For("https://w.nl/", "K7QM-3XRP-9T2C-W"));
        Assert.Equal("https://w.nl/app/c/AB%2FC", ChequeUrls.For("https://w.nl/app", "AB/C"));
        Assert.Equal("w.nl/app", ChequeUrls.ForTyping("https://w.nl/app/"));
        Assert.Equal("localhost:5063", ChequeUrls.ForTyping("http://localhost:5063"));
    }
}
