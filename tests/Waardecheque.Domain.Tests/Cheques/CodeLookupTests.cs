using System.Security.Cryptography;
using System.Text;
using Waardecheque.Domain.Cheques;

namespace Waardecheque.Domain.Tests.Cheques;

public class CodeLookupTests
{
    private static readonly Guid AChequeId = Guid.Parse("0195f0a4-7c1e-7d2a-9b3c-4d5e6f708192");

    [Fact]
    public void a_typed_code_finds_the_same_lookup_value_as_the_cheque_it_was_printed_for()
    {
        var lookup = new CodeLookup(Clock.ServerKey);
        var typed = ChequeCode.Parse(ChequeCode.Derive(Clock.ServerKey, AChequeId).ToString().ToLowerInvariant().Replace("-", ""));

        Assert.Equal(lookup.OfCheque(AChequeId), lookup.Of(typed));
        Assert.Equal(32, lookup.Of(typed).Length);
    }

    [Fact]
    public void without_the_server_key_a_code_cannot_be_tested_against_a_stored_lookup_value()
    {
        var code = ChequeCode.Derive(Clock.ServerKey, AChequeId);
        var stored = new CodeLookup(Clock.ServerKey).Of(code);
        var ascii = Encoding.ASCII.GetBytes(code.Normalised);

        Assert.NotEqual(stored, new CodeLookup("another server key, just as long as ours"u8.ToArray()).Of(code));
        Assert.NotEqual(stored, SHA256.HashData(ascii));                     // not a plain hash
        Assert.NotEqual(stored, HMACSHA256.HashData(Clock.ServerKey, ascii)); // not the code key itself: a label of its own
    }
}
