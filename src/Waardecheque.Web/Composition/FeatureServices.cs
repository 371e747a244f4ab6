using Waardecheque.Web.Demo;
using Waardecheque.Web.Features.Audit;
using Waardecheque.Web.Features.Expenses;
using Waardecheque.Web.Features.Ideas;
using Waardecheque.Web.Features.Issuing;
using Waardecheque.Web.Features.Issuing.Printing;
using Waardecheque.Web.Features.Pledging;
using Waardecheque.Web.Features.Programs;
using Waardecheque.Web.Features.Residents;
using Waardecheque.Web.Features.TopUps;
using Waardecheque.Web.Hosting;

namespace Waardecheque.Web.Composition;

/// <summary>
/// Every feature's endpoints and services, in one list (the pages are found by Razor under Features/). A new feature
/// adds its line here; nothing below Composition knows the list.
/// </summary>
public static class FeatureServices
{
    public static IServiceCollection AddWaardechequeFeatures(this IServiceCollection services)
    {
        services.AddEndpointModule<ProgramEndpoints>();
        services.AddEndpointModule<HouseholdEndpoints>();
        services.AddEndpointModule<ChequeEndpoints>();
        services.AddSingleton<ProgramLetters>();
        services.AddEndpointModule<ResidentEndpoints>();
        services.AddSingleton<ChequeSignIn>();
        services.AddEndpointModule<IdeaEndpoints>();
        services.AddEndpointModule<PledgeEndpoints>();
        services.AddTopUps();   // its endpoints here: the OpenAPI document lists paths in this order
        services.AddEndpointModule<ExpenseEndpoints>();
        services.AddSingleton<Receipts>();
        services.AddEndpointModule<AuditEndpoints>();
        services.AddEndpointModule<StreamEndpoints>();
        services.AddDemoSeed();
        return services;
    }
}
