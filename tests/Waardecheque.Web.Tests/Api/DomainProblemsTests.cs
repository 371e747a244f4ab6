using System.Text.Json;
using Waardecheque.Domain;
using JasperFx;
using Waardecheque.Web.Errors;

namespace Waardecheque.Web.Tests.Api;

/// <summary>How every domain answer becomes a problem (pure: no server).</summary>
public sealed class DomainProblemsTests
{
    [Theory]
    [MemberData(nameof(Codes))]
    public void every_domain_code_has_a_status(string code)
    {
        var expected = code switch { "not_found" => 404, "not_initiator" => 403, _ => 422 };

        Assert.Equal(expected, DomainProblems.StatusFor(code));
        var problem = DomainProblems.From(new RuleViolation(code, "Uitleg."));
        Assert.Equal(expected, problem.Status);
        Assert.Equal(code, problem.Extensions["code"]);
        Assert.Equal("Uitleg.", problem.Detail);
    }

    public static IEnumerable<object[]> Codes() => ErrorCodes.All.Select(c => new object[] { c });

    [Fact]
    public void field_errors_rows_and_numbers_become_members_of_the_problem()
    {
        var validation = DomainProblems.From(RuleViolation.Validation(new Dictionary<string, string[]> { ["title"] = ["Te kort."] }));
        var rows = DomainProblems.From(RuleViolation.InvalidRows([new RowError(3, "postcode", "Fout.")]));
        var room = DomainProblems.From(new RuleViolation(ErrorCodes.TargetExceeded, "Nog € 2,50 nodig.", Rule.Data("stillNeededCents", 250L)));

        Assert.Equal("{\"title\":[\"Te kort.\"]}", JsonSerializer.Serialize(validation.Extensions["errors"]));
        Assert.Equal("[{\"line\":3,\"field\":\"postcode\",\"message\":\"Fout.\"}]", JsonSerializer.Serialize(rows.Extensions["rows"]));
        Assert.Equal(250L, room.Extensions["stillNeededCents"]);
    }

    [Fact]
    public void a_missing_stream_is_not_found_and_an_unresolved_clash_is_a_conflict()
    {
        Assert.Equal(404, DomainProblems.From(new AggregateNotFoundException(typeof(Waardecheque.Domain.Ideas.Idea), Guid.Empty)).Status);
        var conflict = DomainProblems.From(new ConcurrencyException(typeof(object), Guid.Empty));
        Assert.Equal(409, conflict.Status);
        Assert.Equal("conflict", conflict.Extensions["code"]);
    }
}
