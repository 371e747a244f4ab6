using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Api.Contract;

/// <summary>The app as an integrator meets it (no test-only routes in its document), on its own database, shared by a test class.</summary>
public sealed class ContractHost : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await TestApp.StartAsync(nameof(ContractHost));

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>The document exactly as <c>GET /openapi/v1.json</c> serves it, line endings as LF.</summary>
    public async Task<string> ServedDocumentAsync()
    {
        using var client = App.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync()).ReplaceLineEndings("\n");
    }
}
