namespace Waardecheque.Web.Tests.Api;

/// <summary>
/// Races of hundreds of requests over two app processes run on their own, after the parallel test classes: with the
/// rest of the suite beside them, the connections of every app in the run add up past what PostgreSQL allows, and a
/// refused connection is a (clean) 503 rather than the race the test is about.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HotRaces
{
    public const string Name = "hot races over two processes";
}
