using System.Collections.Concurrent;

namespace Waardecheque.Handlers.Conventions;

/// <summary>
/// Which stream an aggregate names for a parameter the command does not name (an idea's or a cheque's program), learnt
/// from earlier loads, so the next command on the same idea fetches the program in its FIRST round trip instead of a
/// second one (a pledge: 3 round trips instead of 4). Those links never change (an idea stays in its program), so one
/// table per process serves every host in it; a wrong or missing guess only costs the round trip it would have saved,
/// and a guessed stream no parameter used is dropped before the read-stream check (<see cref="ConventionRunner"/>).
/// Bounded: emptied when it grows past <see cref="MaxLinks"/>.
/// </summary>
internal static class StreamLinks
{
    private const int MaxLinks = 100_000;
    private static readonly ConcurrentDictionary<(Guid From, Type To), Guid> Links = new();

    public static bool TryGuess(Guid from, Type to, out Guid id) => Links.TryGetValue((from, to), out id);

    public static void Learn(Guid from, Type to, Guid id)
    {
        if (Links.Count >= MaxLinks) Links.Clear();
        Links[(from, to)] = id;
    }
}
