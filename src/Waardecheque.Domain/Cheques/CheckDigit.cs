namespace Waardecheque.Domain.Cheques;

/// <summary>
/// The check character of a cheque code (DOMAIN.md, "Cheque"): a linear code over GF(32) with modulus x^5 + x^2 + 1.
/// The 13 values are the coefficients of a polynomial that must be divisible by x; reading it as Horner's rule,
/// position k (from the end) weighs x^k. A single wrong value e changes the sum by e·x^k, never 0 because GF(32) has no
/// zero divisors; swapping neighbours a and b changes it by (a+b)(x+1)·x^k, never 0 when a ≠ b. So every single typo
/// and every neighbour swap is caught, and the check character is one of the same 32 characters: no symbols to type.
/// </summary>
internal static class CheckDigit
{
    /// <summary>The check value (0..31) for the 12 data characters.</summary>
    public static int Of(ReadOnlySpan<char> data) => XTime(Fold(data));

    /// <summary>True when the whole code (data and check character) folds to 0.</summary>
    public static bool Holds(ReadOnlySpan<char> code) => Fold(code) == 0;

    private static int Fold(ReadOnlySpan<char> characters)
    {
        var i = 0;
        foreach (var c in characters) i = XTime(i) ^ ChequeCode.Alphabet.IndexOf(c);
        return i;
    }

    /// <summary>Multiplication by x in GF(32): shift, and reduce by x^5 = x^2 + 1 when the top bit falls out.</summary>
    private static int XTime(int v) => ((v << 1) & 31) ^ (v >= 16 ? 5 : 0);
}
