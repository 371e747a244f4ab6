using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Waardecheque.ReadModels;
using Waardecheque.Web.Store;

namespace Waardecheque.Web.Tests.Issuing;

/// <summary>
/// A run stopped between Marten's bulk append and its rm_cheques rows leaves streams without rows; the next writer
/// writes those rows first. Two writers may find the same missing rows at the same moment (a clean-clone CI run saw
/// it: an unlocked batch catching up while a run wrote its own rows); the one that loses must not fail.
/// </summary>
public sealed class ChequeCatchUpTests(IssuingWorld w) : IClassFixture<IssuingWorld>
{
    [Fact]
    public async Task two_writers_catching_up_the_same_missing_rows_at_once_both_succeed_and_write_each_row_once()
    {
        var id = await w.ProgramWithoutChequesAsync();
        await w.PostJsonAsync($"/api/v1/programs/{id}/cheques/issue", w.Admin);
        var store = w.App.Services.GetRequiredService<StoreHolder>().Store;

        for (var round = 0; round < 100; round++)
        {
            await ForgetRowsAsync(id);

            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => ChequeIssuing.CatchUpAsync(store, id))));

            Assert.Equal((19, 19, 19), await w.ChequesAsync(id));
        }
    }

    private async Task ForgetRowsAsync(Guid programId)
    {
        await using var cmd = w.Db.CreateCommand("delete from rm_cheques where program_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = programId });
        Assert.Equal(19, await cmd.ExecuteNonQueryAsync());
    }
}
