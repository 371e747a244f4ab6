using System.Reflection;

namespace Waardecheque.Domain.Tests;

public class ErrorCodesTests
{
    [Fact]
    public void every_error_code_is_listed_once_and_written_as_the_api_writes_codes()
    {
        var constants = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.Equal(constants.Order(), ErrorCodes.All.Order());
        Assert.Equal(ErrorCodes.All.Count, ErrorCodes.All.Distinct().Count());
        Assert.All(ErrorCodes.All, c => Assert.Matches("^[a-z]+(_[a-z]+)*$", c));
        Assert.Contains("needs_more_neighbours", ErrorCodes.All);
    }
}
