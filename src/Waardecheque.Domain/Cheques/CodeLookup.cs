using System.Security.Cryptography;
using System.Text;

namespace Waardecheque.Domain.Cheques;

/// <summary>
/// The only form in which a code is stored (DOMAIN.md: "never a plain hash of the code"): HMAC-SHA256 of the 13
/// canonical characters under a lookup key that is derived from the server key with its own label. Testing a guess
/// against a stolen table, event or backup therefore needs the server key; 60 bits under a plain SHA-256 would not.
/// The label keeps the lookup key apart from the key codes are derived with, so a lookup value says nothing about
/// another cheque's code.
/// </summary>
public sealed class CodeLookup
{
    /// <summary>HKDF's "info": changing it changes every stored lookup value, so it is versioned and never reused.</summary>
    private static readonly byte[] Label = "waardecheque code lookup v1"u8.ToArray();

    private readonly byte[] _serverKey;
    private readonly byte[] _lookupKey;

    public CodeLookup(byte[] serverKey)
    {
        ArgumentNullException.ThrowIfNull(serverKey);
        if (serverKey.Length == 0) throw new ArgumentException("The server key is empty.", nameof(serverKey));
        _serverKey = serverKey;
        _lookupKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, serverKey, 32, salt: [], info: Label);
    }

    /// <summary>32 bytes: what rm_cheques keeps (unique) and what a typed code is looked up by.</summary>
    public byte[] Of(ChequeCode code) => HMACSHA256.HashData(_lookupKey, Encoding.ASCII.GetBytes(code.Normalised));

    /// <summary>The lookup value of a cheque's own code, recomputed from its id (issuing, rebuilds, the migration).</summary>
    public byte[] OfCheque(Guid chequeId) => Of(ChequeCode.Derive(_serverKey, chequeId));
}
