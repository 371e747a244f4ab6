namespace Waardecheque.Domain.Tests.Builders;

/// <summary>A fixed "now" for every test: time is passed in, never read from the machine.</summary>
public static class Clock
{
    public static readonly DateTimeOffset Now = new(2026, 4, 1, 10, 0, 0, TimeSpan.FromHours(2));
    public static readonly byte[] ServerKey = "test-server-key-not-a-secret-0123456789"u8.ToArray();
}
