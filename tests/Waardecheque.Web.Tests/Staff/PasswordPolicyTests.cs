using System.Net;
using System.Net.Http.Json;
using Waardecheque.Testing;
using Waardecheque.Web.Auth;
using Waardecheque.Web.Hosting;
using Waardecheque.Web.Tests.Support;

namespace Waardecheque.Web.Tests.Staff;

/// <summary>A staff password is long and not one a guesser tries first (<see cref="PasswordPolicy"/>).</summary>
public sealed class PasswordPolicyTests
{
    private const string Email = "j.de.vries@zoetermeer.nl";

    [Theory]
    [InlineData("aaaaaaaaaaaa")]            // one character repeated
    [InlineData("abababababab")]            // a short pattern repeated
    [InlineData("Password1234")]            // a common word with digits around it
    [InlineData("Welkom2026!!")]            // the Dutch one
    [InlineData("qwertyuiop123")]           // a common keyboard walk (in the list) with digits
    [InlineData("abcdefghijklm")]           // a run
    [InlineData("098765432109")]            // a run, down
    [InlineData("123456789012")]            // digits only: no word at all
    [InlineData("j.de.vries@zoetermeer.nl")] // the email itself
    [InlineData("J.De.Vries2026")]          // the email's local part with a year
    public void a_common_or_trivial_password_is_refused(string password) =>
        Assert.NotNull(PasswordPolicy.Problem(password, Email));

    [Theory]
    [InlineData("een lang en geheim wachtwoord")]   // TestApp.AdminPassword
    [InlineData("een lang demowachtwoord")]
    [InlineData("een lang benchmarkwachtwoord")]
    [InlineData("twaalf tekens lang")]
    [InlineData("twaalf tekens")]
    [InlineData("buurtverbinder-2026")]
    [InlineData("een-goed-wachtwoord")]
    [InlineData("lang-genoeg-wachtwoord")]
    [InlineData("Demo-Admin-2026!")]                // infra/run-demo.sh's default admin
    [InlineData("Demo-Verbinder-2026!")]
    [InlineData("Demo-Controller-2026!")]
    [InlineData("paarse fiets onder de brug")]
    public void the_passwords_the_project_uses_and_a_plain_sentence_pass(string password) =>
        Assert.Null(PasswordPolicy.Problem(password, Email));

    [Fact]
    public void too_short_is_refused_with_the_length_in_the_message()
    {
        Assert.Contains("12", PasswordPolicy.Problem("elf tekens!", Email));
        Assert.NotNull(PasswordPolicy.Problem(new string('x', 201) + "Ab1", Email));
    }

    [Fact]
    public async Task adding_staff_with_a_weak_password_is_422_with_a_dutch_message_on_the_field()
    {
        await using var app = await TestApp.StartAsync(nameof(PasswordPolicyTests));
        var client = app.CreateClient();
        var admin = await client.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);

        var response = await client.PostAsJsonAsync("/api/v1/staff",
            new { email = "nieuw@zoetermeer.example", password = "Password1234", role = "moderator" }, admin);

        var errors = (await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "validation_failed")).GetProperty("errors");
        Assert.Contains("te makkelijk te raden", errors.GetProperty("password")[0].GetString());
    }

    [Fact]
    public async Task a_weak_bootstrap_admin_password_stops_the_start_and_creates_nobody()
    {
        var database = await TestDatabase.CreateDatabaseAsync(nameof(PasswordPolicyTests));
        await using var app = new TestApp(database, new Dictionary<string, string?> { [WebConfig.BootstrapAdminPassword] = "Password1234" });

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        Assert.Contains(WebConfig.BootstrapAdminPassword, error.ToString());
    }
}
