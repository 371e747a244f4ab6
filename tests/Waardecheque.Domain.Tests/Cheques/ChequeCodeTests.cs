using FsCheck;
using FsCheck.Fluent;
using Waardecheque.Domain.Cheques;

namespace Waardecheque.Domain.Tests.Cheques;

public class ChequeCodeTests
{
    private static readonly Guid AChequeId = Guid.Parse("0195f0a4-7c1e-7d2a-9b3c-4d5e6f708192");

    [Fact]
    public void a_code_is_printed_as_three_groups_of_four_and_a_check_character_from_the_same_32()
    {
        var code = ChequeCode.Derive(Clock.ServerKey, AChequeId);

        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$", code.ToString());
    }

    [Fact]
    public void the_same_cheque_always_gets_the_same_code_so_a_lost_letter_can_be_reprinted()
    {
        Assert.Equal(ChequeCode.Derive(Clock.ServerKey, AChequeId), ChequeCode.Derive(Clock.ServerKey, AChequeId));
        Assert.NotEqual(ChequeCode.Derive(Clock.ServerKey, AChequeId), ChequeCode.Derive(Clock.ServerKey, Guid.NewGuid()));
        Assert.NotEqual(ChequeCode.Derive(Clock.ServerKey, AChequeId), ChequeCode.Derive("another key"u8.ToArray(), AChequeId));
    }

    [Fact]
    public void the_check_character_is_the_gf32_check_of_the_rule_book()
    {
        Assert.Equal("0000-0000-0000-0", ChequeCode.FromValue(0).ToString());
        Assert.Equal("0000-0000-0001-2", ChequeCode.FromValue(1).ToString());    // i = 1, check = xtime(1) = 2
        Assert.Equal("0000-0000-000G-5", ChequeCode.FromValue(16).ToString());   // i = 16, check = xtime(16) = 0 XOR 5
        Assert.Equal("0000-0000-0010-4", ChequeCode.FromValue(32).ToString());   // i = xtime(1) = 2, check = 4
    }

    [Fact]
    public void every_code_carries_the_check_character_that_domain_md_spells_out()
    {
        // The rule book's loop, written out here independently of the implementation.
        static int XTime(int v) => ((v << 1) & 31) ^ (v >= 16 ? 5 : 0);
        foreach (var code in RandomCodes(300, seed: 11))
        {
            var i = 0;
            foreach (var c in code.Normalised[..12]) i = XTime(i) ^ ChequeCode.Alphabet.IndexOf(c);
            Assert.Equal(ChequeCode.Alphabet[XTime(i)], code.Normalised[12]);
        }
    }

    [Theory]
    [InlineData("k7qm-3xrp-9t2c")]
    [InlineData("")]
    [InlineData("K7QM-3XRP-9T2C-W-X")]
    [InlineData("K7QM-3XRP-9T2C-!")]
    [InlineData("0000-0000-0011-~")]   // a check symbol of the old mod-37 codes: no longer part of any code
    [InlineData("0000-0000-0014-U")]
    public void text_that_is_not_shaped_like_a_code_is_refused(string input)
    {
        Assert.False(ChequeCode.TryParse(input, out _));
        Assert.Equal(ErrorCodes.InvalidCode, Assert.Throws<RuleViolation>(() => ChequeCode.Parse(input)).Code);
    }

    [Fact]
    public void a_resident_may_type_the_code_in_lower_case_without_dashes_and_with_look_alike_letters()
    {
        var code = ChequeCode.FromValue(0b00000_00001_00010_00011_00100_00101_00110_00111_01000_01001_01010_01011UL);
        var printed = code.ToString();   // 0123-4567-89AB-?
        var typed = printed.Replace("-", " ").ToLowerInvariant().Replace('0', 'o').Replace('1', 'l');

        Assert.True(ChequeCode.TryParse(typed, out var parsed));
        Assert.Equal(code, parsed);
        Assert.Equal(code.Normalised, parsed.Normalised);
    }

    [Fact]
    public void the_qr_url_works_as_well_as_the_typed_code()
    {
        var code = ChequeCode.Derive(Clock.ServerKey, AChequeId);

        Assert.True(ChequeCode.TryParse($"https://waardecheque.zoetermeer.nl/c/{code.Normalised}?utm=brief", out var fromUrl));
        Assert.True(ChequeCode.TryParse($"https://waardecheque.zoetermeer.nl/c/{Uri.EscapeDataString(code.ToString())}/", out var escaped));
        Assert.Equal(code, fromUrl);
        Assert.Equal(code, escaped);
    }

    private static readonly Gen<ChequeCode> Codes =
        Gen.Choose(0, int.MaxValue).Two().Select(p => ChequeCode.FromValue((((ulong)(uint)p.Item1 << 31) ^ (uint)p.Item2) & ((1UL << 60) - 1)));

    [Fact]
    public void every_single_typo_in_a_code_is_caught_by_the_check_character()
    {
        var typos = from code in Codes
                    from position in Gen.Choose(0, 12)
                    from replacement in Gen.Elements(ChequeCode.Alphabet.ToCharArray())
                    where code.Normalised[position] != replacement
                    select (code, Typo: code.Normalised.Remove(position, 1).Insert(position, replacement.ToString()));

        Prop.ForAll(typos.ToArbitrary(), t => !ChequeCode.TryParse(t.Typo, out _))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2_000));
    }

    [Fact]
    public void every_swap_of_two_neighbouring_characters_is_caught_by_the_check_character()
    {
        var swaps = from code in Codes
                    from position in Gen.Choose(0, 11)
                    let s = code.Normalised
                    where s[position] != s[position + 1]
                    select (code, Swap: s[..position] + s[position + 1] + s[position] + s[(position + 2)..]);

        Prop.ForAll(swaps.ToArbitrary(), t => !ChequeCode.TryParse(t.Swap, out _))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2_000));
    }

    [Fact]
    public void every_single_typo_and_swap_of_one_real_code_is_caught_exhaustively()
    {
        var s = ChequeCode.Derive(Clock.ServerKey, AChequeId).Normalised;
        var variants = new List<string>();
        for (var i = 0; i < 13; i++)
            foreach (var c in ChequeCode.Alphabet)
                if (c != s[i]) variants.Add(s[..i] + c + s[(i + 1)..]);
        for (var i = 0; i < 12; i++)
            if (s[i] != s[i + 1]) variants.Add(s[..i] + s[i + 1] + s[i] + s[(i + 2)..]);

        Assert.All(variants, v => Assert.False(ChequeCode.TryParse(v, out _), v));
        Assert.True(variants.Count > 12 * 31);
    }

    [Fact]
    public void for_hundreds_of_codes_every_single_substitution_and_every_neighbour_swap_is_refused()
    {
        var refused = 0;
        foreach (var code in RandomCodes(400, seed: 2026))
        {
            var s = code.Normalised;
            Assert.True(ChequeCode.TryParse(s, out _), s);
            for (var i = 0; i < 13; i++)
            {
                foreach (var c in ChequeCode.Alphabet)
                {
                    if (c == s[i]) continue;
                    var typo = s[..i] + c + s[(i + 1)..];
                    Assert.False(ChequeCode.TryParse(typo, out _), $"{s} -> {typo}");
                    refused++;
                }
                if (i < 12 && s[i] != s[i + 1])
                {
                    var swap = s[..i] + s[i + 1] + s[i] + s[(i + 2)..];
                    Assert.False(ChequeCode.TryParse(swap, out _), $"{s} -> {swap}");
                    refused++;
                }
            }
        }
        Assert.True(refused >= 400 * 13 * 31);
    }

    private static IEnumerable<ChequeCode> RandomCodes(int count, int seed)
    {
        var random = new Random(seed);
        for (var n = 0; n < count; n++) yield return ChequeCode.FromValue((ulong)random.NextInt64() & ((1UL << 60) - 1));
    }
}
