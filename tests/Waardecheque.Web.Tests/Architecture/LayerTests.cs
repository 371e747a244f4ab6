using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using Xunit;
using ArchitectureModel = ArchUnitNET.Domain.Architecture;

namespace Waardecheque.Web.Tests.Architecture;

/// <summary>Which way the Web project's parts may depend, beyond "no cycles" (docs/architecture.md, "The Web project").</summary>
public sealed class LayerTests
{
    private static readonly ArchitectureModel Web = new ArchLoader().LoadAssemblies(typeof(WebApp).Assembly).Build();

    [Fact]
    public void pages_never_reach_into_the_api_plumbing() =>
        Assert.Empty(Offenders(t => NamespaceOf(t) == "Waardecheque.Web.Pages" || IsPageModel(t), "Waardecheque.Web.Api"));

    [Fact]
    public void nothing_below_the_composition_root_knows_it() =>
        Assert.Empty(Offenders(t => NamespaceOf(t) is var ns && ns != "Waardecheque.Web" && !ns.StartsWith("Waardecheque.Web.Composition")
            && !ns.StartsWith("Waardecheque.Web.Demo") && !ns.StartsWith("Waardecheque.Web.Internal"),
            "Waardecheque.Web.Composition"));

    [Fact]
    public void the_plumbing_does_not_know_the_features() =>
        Assert.Empty(Offenders(t => IsPlumbing(NamespaceOf(t)), "Waardecheque.Web.Features"));

    private static readonly string[] Plumbing =
        ["Api", "Auth", "Database", "DataProtection", "Errors", "Health", "Hosting", "Logging", "Pages", "RateLimiting", "Store", "Texts"];

    private static bool IsPlumbing(string ns) =>
        Plumbing.Any(p => ns == $"Waardecheque.Web.{p}" || ns.StartsWith($"Waardecheque.Web.{p}."));

    // Generic parameters and some compiler-made types have no namespace.
    private static string NamespaceOf(IType type) => type.Namespace?.FullName ?? "";

    private static bool IsPageModel(IType type) =>
        type is Class c && c.InheritedClasses.Any(b => b.FullName == "Microsoft.AspNetCore.Mvc.RazorPages.PageModel");

    /// <summary>"From -> To" for every dependency of a type matching <paramref name="from"/> on a type in or under <paramref name="ns"/>.</summary>
    private static List<string> Offenders(Func<IType, bool> from, string ns) =>
        Web.Types.Where(t => t.FullName.StartsWith("Waardecheque.Web.") && from(t))
            .SelectMany(t => t.Dependencies.Select(d => d.Target)
                .Where(target => NamespaceOf(target) == ns || NamespaceOf(target).StartsWith(ns + "."))
                .Select(target => $"{t.FullName} -> {target.FullName}"))
            .Distinct().Order().ToList();
}
