using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Waardecheque.Web.Api;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Hosting.OpenApi;
using Waardecheque.Web.Hosting.OpenApi.Markers;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Api.Contract;

/// <summary>
/// The conventions an endpoint declares (Hosting/OpenApi/ApiConventions.cs) describe a new endpoint correctly without
/// touching the transformers: two endpoints shaped like the top-ups and Stripe's webhook, added to a test host.
/// </summary>
public sealed class ConventionTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(nameof(ConventionTests), services: s => s.AddEndpointModule<LikeTopUps>());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task an_idempotent_resident_command_and_a_raw_body_webhook_are_described_by_their_markers()
    {
        using var client = _app.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");

        var start = paths.GetProperty("/api/v1/conventions/ideas/{id}/topups").GetProperty("post");
        Assert.Equal("Bearer", start.GetProperty("security")[0].EnumerateObject().Single().Name);
        var key = start.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.Equal(("header", false), (key.GetProperty("in").GetString(), key.TryGetProperty("required", out var r) && r.GetBoolean()));
        Assert.Equal("application/problem+json", start.GetProperty("responses").GetProperty("422").GetProperty("content").EnumerateObject().Single().Name);

        var webhook = paths.GetProperty("/api/v1/conventions/webhook").GetProperty("post");
        Assert.Equal(0, webhook.GetProperty("security").GetArrayLength());
        var signature = webhook.GetProperty("parameters").EnumerateArray().Single();
        Assert.Equal(("Stripe-Signature", "header", true),
            (signature.GetProperty("name").GetString(), signature.GetProperty("in").GetString(), signature.GetProperty("required").GetBoolean()));
        var body = webhook.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal(("string", "binary"), (body.GetProperty("type").GetString(), body.GetProperty("format").GetString()));

        var schemas = document.GetProperty("components").GetProperty("schemas");
        var request = schemas.GetProperty(nameof(LikeTopUpRequest));
        Assert.Equal(["amountCents"], request.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var amount = request.GetProperty("properties").GetProperty("amountCents");
        Assert.Equal(("integer", "int64"), (amount.GetProperty("type").GetString(), amount.GetProperty("format").GetString()));
        var state = schemas.GetProperty(nameof(LikeTopUpResponse)).GetProperty("properties").GetProperty("state");
        Assert.Equal("#/components/schemas/LikeTopUpState", state.GetProperty("$ref").GetString());
        Assert.Equal(["pending", "paid"], schemas.GetProperty("LikeTopUpState").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    private sealed class LikeTopUps : IEndpointModule
    {
        public void Map(IEndpointRouteBuilder endpoints)
        {
            var api = endpoints.MapGroup(ApiServices.Prefix + "/conventions").WithTags("Top-ups");
            api.MapPost("/ideas/{id:guid}/topups", (Guid id, LikeTopUpRequest request) => TypedResults.Created("", new LikeTopUpResponse(id, "pending")))
                .RequireAuthorization()
                .WithName("LikeStartTopUp")
                .WithIdempotencyKey()
                .Produces<LikeTopUpResponse>(StatusCodes.Status201Created)
                .ProducesCommandProblems();
            api.MapPost("/webhook", () => TypedResults.Ok())
                .AllowAnonymous()
                .WithName("LikeStripeWebhook")
                .AcceptsRawBody("application/json")
                .WithRequestHeader("Stripe-Signature", "Stripe's signature over the raw body.")
                .ProducesProblem(StatusCodes.Status400BadRequest);
        }
    }
}

[ApiRequest]
public sealed record LikeTopUpRequest(decimal? AmountCents, string? Email = null, bool? OnBehalf = null, Guid? ChequeId = null);

public sealed record LikeTopUpResponse(Guid TopUpId, [property: ApiEnum("LikeTopUpState", "pending", "paid")] string State);
