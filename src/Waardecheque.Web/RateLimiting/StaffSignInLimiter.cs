using Waardecheque.Web.Auth;

namespace Waardecheque.Web.RateLimiting;

/// <summary>
/// Failed staff sign-ins are counted twice: per client address (one guesser) and per account (the email as typed,
/// normalised, whether or not such staff exist: no oracle on which emails exist). A distributed guesser of one
/// admin's password is stopped by the account's count. So that a stranger who knows an admin's email cannot lock
/// the admin out, the account's count does not refuse an address from which this account signed in successfully in
/// the last 30 days: from there only that address's own count applies (docs/web.md, "Staff sign-in limits").
/// </summary>
public sealed class StaffSignInLimiter(GuessGate gate, FailedAttempts attempts, TimeProvider time)
{
    public const string Addresses = "staff-login", Accounts = "staff-account", SignedIn = "staff-signed-in";

    public const int AddressLimit = 10;
    public static readonly TimeSpan AddressWindow = TimeSpan.FromMinutes(10);
    public const int AccountLimit = 10;
    public static readonly TimeSpan AccountWindow = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan KnownFor = TimeSpan.FromDays(30);

    /// <summary>Runs the password check as one guess; null from <paramref name="verify"/> is a failure. Throws 429
    /// <c>rate_limited</c> when the address, or the account from an address it was never used from, is over its limit.</summary>
    public async Task<StaffMember?> SignInAsync(HttpContext http, string email, Func<CancellationToken, Task<StaffMember?>> verify)
    {
        var ct = http.RequestAborted;
        var client = ClientKey.For(http.Connection.RemoteIpAddress);
        var account = AccountKey(email);
        var known = await attempts.SeenSinceAsync(SignedIn, Known(account, client), time.GetUtcNow() - KnownFor, ct);
        AttemptCount[] counts =
        [
            new(Addresses, client, AddressLimit, AddressWindow),
            new(Accounts, account, AccountLimit, AccountWindow),
        ];
        var member = await gate.GuessAsync(counts, verify, ct, refuseWhen: c => c.Limiter == Addresses || !known);
        if (member is not null) await attempts.AddAsync(SignedIn, Known(account, client), time.GetUtcNow(), ct);
        return member;
    }

    /// <summary>The normalised email, cut to the longest an email can be (a megabyte of "email" is still one account).</summary>
    internal static string AccountKey(string email)
    {
        var normal = StaffAccounts.NormalizeEmail(email);
        return normal.Length <= 320 ? normal : normal[..320];
    }

    private static string Known(string account, string client) => $"{account} {client}";
}
