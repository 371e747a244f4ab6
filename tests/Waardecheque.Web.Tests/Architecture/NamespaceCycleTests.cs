using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using Xunit;
using Xunit.Abstractions;
using ArchitectureModel = ArchUnitNET.Domain.Architecture;

namespace Waardecheque.Web.Tests.Architecture;

/// <summary>
/// The Web project's folders depend one way (docs/architecture.md, "The Web project"): plumbing (Database, Errors,
/// Auth, Hosting, ...) below the shared Api and Pages support, the features above them, Composition and WebApp on top.
/// A cycle between two folders, or between two features, fails here with the types that make it.
/// </summary>
public sealed class NamespaceCycleTests(ITestOutputHelper output)
{
    private static readonly ArchitectureModel Web = new ArchLoader().LoadAssemblies(typeof(WebApp).Assembly).Build();

    [Fact]
    public void the_top_level_folders_do_not_depend_on_each_other_in_circles() =>
        AssertNoCycles("Waardecheque.Web.(*)..");

    [Fact]
    public void the_features_do_not_depend_on_each_other_in_circles() =>
        AssertNoCycles("Waardecheque.Web.Features.(*)..");

    // Not the domain: its aggregates' rules read each other by design (a pledge checks the program, closing a program
    // ends its ideas), one folder per aggregate (docs/architecture.md).
    [Theory]
    [InlineData("Waardecheque.ReadModels")]
    [InlineData("Waardecheque.Handlers")]
    public void the_other_projects_folders_do_not_depend_on_each_other_in_circles(string project) =>
        AssertNoCycles($"{project}.(*)..", Others);

    private static readonly ArchitectureModel Others = new ArchLoader().LoadAssemblies(
        typeof(Waardecheque.ReadModels.WaardechequeStore).Assembly, typeof(Waardecheque.Handlers.CommandRules).Assembly).Build();

    private void AssertNoCycles(string slices, ArchitectureModel? architecture = null)
    {
        var rule = SliceRuleDefinition.Slices().Matching(slices).Should().BeFreeOfCycles();
        var cycles = rule.Evaluate(architecture ?? Web).Where(r => !r.Passed).Select(r => r.Description).ToList();
        foreach (var cycle in cycles) output.WriteLine(cycle);
        Assert.Empty(cycles);
    }
}
