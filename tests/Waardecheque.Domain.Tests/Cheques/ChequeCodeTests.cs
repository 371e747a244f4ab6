using FsCheck;
using FsCheck.Fluent;
using Waardecheque.Domain.Cheques;

namespace Waardecheque.Domain.Tests.Cheques;

public class ChequeCodeTests
{
    private static readonly Guid AChequeId = Guid.Parse("0195f0a4-7c1e-7d2a-9b3c-4d5e6f708192");

    [Fact]
    public void a_code_is_printed_as_three_groups_of_four_and_a_check_character()
    {
        var code = ChequeCode.Derive(Clock.ServerKey, AChequeId);

        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z*~$=U]$", code.ToString());
    }

    [Fact]
    public void the_same_cheque_always_gets_the_same_code_so_a_lost_letter_can_be_reprinted()
    {
        Assert.Equal(ChequeCode.Derive(Clock.ServerKey, AChequeId), ChequeCode.Derive(Clock.ServerKey, AChequeId));
        Assert.NotEqual(ChequeCode.Derive(Clock.ServerKey, AChequeId), ChequeCode.Derive(Clock.ServerKey, Guid.NewGuid()));
        Assert.NotEqual(ChequeCode.Derive(Clock.ServerKey, AChequeId), ChequeCode.Derive("another key"u8.ToArray(), AChequeId));
    }

    [Fact]
    public void the_check_character_is_crockfords_mod_37_symbol()
    {
        Assert.Equal("0000-0000-0000-0", ChequeCode.FromValue(0).ToString());
        Assert.Equal("0000-0000-0011-~", ChequeCode.FromValue(33).ToString());   // 33 = "11" in base 32; 33 mod 37 = 33: '~'
        Assert.Equal("0000-0000-0014-U", ChequeCode.FromValue(36).ToString());   // 36 mod 37 = 36: 'U', only ever a check symbol
        Assert.Equal("0000-0000-0015-0", ChequeCode.FromValue(37).ToString());   // 37 mod 37 = 0
    }

    [Theory]
    [InlineData("k7qm-3xrp-9t2c")]
    [InlineData("")]
    [InlineData("K7QM-3XRP-9T2C-W-X")]
    [InlineData("K7QM-3XRP-9T2C-!")]
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
        Assert.Equal(code.Hash(), parsed.Hash());
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

    [Fact]
    public void only_the_hash_of_the_code_is_stored_and_it_is_the_sha256_of_the_13_characters()
    {
        var code = ChequeCode.FromValue(0);

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("0000000000000"u8)), code.Hash());
    }

    private static readonly Gen<ChequeCode> Codes =
        Gen.Choose(0, int.MaxValue).Two().Select(p => ChequeCode.FromValue((((ulong)(uint)p.Item1 << 31) ^ (uint)p.Item2) & ((1UL << 60) - 1)));

    [Fact]
    public void every_single_typo_in_a_code_is_caught_by_the_check_character()
    {
        var typos = from code in Codes
                    from position in Gen.Choose(0, 12)
                    from replacement in Gen.Elements((position < 12 ? ChequeCode.Alphabet : ChequeCode.CheckAlphabet).ToCharArray())
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
            foreach (var c in i < 12 ? ChequeCode.Alphabet : ChequeCode.CheckAlphabet)
                if (c != s[i]) variants.Add(s[..i] + c + s[(i + 1)..]);
        for (var i = 0; i < 12; i++)
            if (s[i] != s[i + 1]) variants.Add(s[..i] + s[i + 1] + s[i] + s[(i + 2)..]);

        Assert.All(variants, v => Assert.False(ChequeCode.TryParse(v, out _), v));
        Assert.True(variants.Count > 12 * 31);
    }
}
