using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests;

public sealed class HostFixture : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;
    public async Task InitializeAsync() => App = await TestApp.StartAsync(nameof(HostTests));
    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class HostTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task the_app_is_live_and_ready_when_postgres_answers()
    {
        var live = await _client.GetAsync("/health/live");
        var ready = await _client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        Assert.Equal("ok", checks.GetProperty("postgres").GetString());
        Assert.Equal("ok", checks.GetProperty("startup").GetString());
    }

    [Fact]
    public async Task an_unknown_address_is_a_404_problem_in_dutch()
    {
        var response = await _client.GetAsync("/api/v1/does-not-exist");

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("Niet gevonden", problem.GetProperty("title").GetString());
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), problem.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task a_thrown_api_problem_keeps_its_status_code_detail_and_extensions()
    {
        var response = await _client.GetAsync("/probe/rule-exception");

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "target_exceeded");
        Assert.Equal("Dit idee heeft nog maar € 2,50 nodig.", problem.GetProperty("detail").GetString());
        Assert.Equal(250, problem.GetProperty("stillNeededCents").GetInt32());
    }

    [Fact]
    public async Task a_returned_rule_problem_has_the_same_shape_as_a_thrown_one()
    {
        var response = await _client.GetAsync("/probe/rule-result");

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idea_not_open");
        Assert.Equal("Dit idee neemt geen toezeggingen aan.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_validation_problem_lists_the_errors_per_field()
    {
        var response = await _client.GetAsync("/probe/validation");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("Moet positief zijn.", problem.GetProperty("errors").GetProperty("amountCents")[0].GetString());
    }

    [Fact]
    public async Task a_crash_is_a_500_problem_that_does_not_show_the_exception()
    {
        var response = await _client.GetAsync("/probe/crash");

        await response.AssertProblemAsync(HttpStatusCode.InternalServerError, "internal_error");
        Assert.DoesNotContain(ProbeEndpoints.LeakyMessage, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task unreadable_json_is_a_validation_problem_not_an_empty_400()
    {
        var response = await _client.PostAsync("/probe/json", new StringContent("{\"name\": ", Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("request", out _));
    }

    [Fact]
    public async Task a_wrong_method_is_a_405_problem()
    {
        var response = await _client.DeleteAsync("/health/live");

        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task the_openapi_document_describes_the_staff_endpoints_and_the_bearer_scheme()
    {
        var response = await _client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/staff/sessions", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/health/ready", out _));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        var addStaff = document.GetProperty("paths").GetProperty("/api/v1/staff").GetProperty("post");
        Assert.True(addStaff.TryGetProperty("security", out _), "an endpoint that needs a role says so in the document");
    }
}
