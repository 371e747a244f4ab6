using Microsoft.AspNetCore.Mvc;

namespace Waardecheque.Web.Hosting;

/// <summary>
/// Request body limits. Kestrel refuses anything above <see cref="Default"/>; a route that takes more (the CSV address
/// import) raises its own limit with <see cref="WithBodyLimit"/>, so a huge body elsewhere never reaches a handler.
/// </summary>
public static class BodyLimits
{
    public const long Default = 1024 * 1024;

    /// <summary>Room for a municipality's address list: about 100 bytes a household, 200,000 households.</summary>
    public const long CsvImport = 20 * 1024 * 1024;

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestSizeLimitAttribute(bytes));
}
