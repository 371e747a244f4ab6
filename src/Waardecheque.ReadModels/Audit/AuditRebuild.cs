using JasperFx.Events.Daemon;
using Npgsql;

namespace Waardecheque.ReadModels.Audit;

/// <summary>
/// Rebuilds the audit projection with Marten's rebuild: our tables and checkpoint are emptied first (Marten's rebuild
/// knows nothing of them, and our checkpoint would otherwise skip the replayed events), then the daemon replays the
/// whole log into <see cref="AuditProjection"/>, and the tables get new statistics. Reads stay exact meanwhile: the
/// emptied checkpoint makes them fold the whole tail until the replay catches up.
/// </summary>
public static class AuditRebuild
{
    public static async Task RebuildAsync(WaardechequeStore store, TimeSpan timeout, CancellationToken ct = default)
    {
        using var daemon = await store.Marten.BuildProjectionDaemonAsync();
        await using (var reset = store.DataSource.CreateCommand(AuditTables.ResetSql)) await reset.ExecuteNonQueryAsync(ct);
        await daemon.RebuildProjectionAsync(AuditProjection.Name, timeout, ct);
        await using (var analyze = store.DataSource.CreateCommand(AuditTables.AnalyzeSql)) await analyze.ExecuteNonQueryAsync(ct);
    }
}
