using System.Security.Cryptography;
using System.Text;

namespace Waardecheque.Web.RateLimiting;

/// <summary>
/// One count of failures: which limiter (<c>codes</c>, <c>staff-login</c>, <c>staff-account</c>), whose (a client
/// address, an account) and its rule (at most <see cref="Limit"/> failures per <see cref="Window"/>).
/// </summary>
public sealed record AttemptCount(string Limiter, string Key, int Limit, TimeSpan Window)
{
    /// <summary>
    /// The PostgreSQL advisory lock of this count: the same in every process (string.GetHashCode is not), 64 bits so
    /// two counts practically never share a lock, and the order in which several are taken (always ascending: two
    /// requests that need the same two locks never wait for each other crosswise).
    /// </summary>
    public long LockId { get; } = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"failed-attempts\n{Limiter}\n{Key}")), 0);
}
