namespace Waardecheque.Handlers.Tests.Domain;

/// <summary>
/// The classes that fire hundreds of simultaneous requests run one after another: on a 2-core machine they would
/// otherwise only measure each other, and together they would hold more connections than a shared test server allows.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RacesCollection
{
    public const string Name = "races";
}
