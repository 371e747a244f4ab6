using Waardecheque.Web.Auth;

namespace Waardecheque.Web.Tests.Staff;

public sealed class StaffRequestRulesTests
{
    [Theory]
    [InlineData("verbinder@zoetermeer.nl", true)]
    [InlineData("a.b-c@gemeente.example", true)]
    [InlineData("geen-apenstaartje.nl", false)]
    [InlineData("twee@@zoetermeer.nl", false)]
    [InlineData("spatie @zoetermeer.nl", false)]
    [InlineData("Naam <naam@zoetermeer.nl>", false)]
    [InlineData("naam@localhost", false)]
    [InlineData("", false)]
    public void an_email_address_must_look_like_one(string email, bool plausible) =>
        Assert.Equal(plausible, StaffRequestRules.IsPlausibleEmail(email));

    [Fact]
    public void a_staff_password_has_at_least_twelve_characters()
    {
        Assert.Contains("password", StaffRequestRules.Check(new AddStaffRequest("a@b.nl", "elf tekens!", "admin")).Keys);
        Assert.DoesNotContain("password", StaffRequestRules.Check(new AddStaffRequest("a@b.nl", "twaalf tekens", "admin")).Keys);
    }

    [Fact]
    public void a_resident_is_not_a_staff_role() =>
        Assert.Contains("role", StaffRequestRules.Check(new AddStaffRequest("a@b.nl", "twaalf tekens", "resident")).Keys);
}
