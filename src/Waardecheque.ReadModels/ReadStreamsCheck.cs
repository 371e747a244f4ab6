using Marten;
using Npgsql;
using Weasel.Core;
using Weasel.Storage;

namespace Waardecheque.ReadModels;

/// <summary>
/// The re-check of streams a command only read (a pledge reads the program to see it is open), sent with the command's
/// own commit: one statement share-locks those streams' rows without waiting (NOWAIT) and counts the ones still at the
/// version the command read; fewer than asked is a <see cref="JasperFx.ConcurrencyException"/> when Marten reads the
/// batch's results, before it commits. Share locks do not block each other, so pledges still run side by side, while a
/// close that holds the program's row makes the pledge fail at once (55P03), let go and retry (Wolverine's clash policy
/// in Waardecheque.Handlers).
/// <para>
/// It used to CALL the procedure <c>wc_assert_streams_unchanged</c> (which raises <see cref="ChangedState"/>), so as to
/// return no result set; the CALL cost PostgreSQL about ten times the statement inside it (docs/benchmarks.md,
/// "Per-pledge cost"). The procedure stays in the schema for processes of the previous version during an upgrade.
/// </para>
/// </summary>
public static class ReadStreamsCheck
{
    /// <summary>SQLSTATE the procedure raises when a read stream moved.</summary>
    public const string ChangedState = "WC409";

    public const string SchemaSql = $$"""
        create or replace procedure wc_assert_streams_unchanged(ids uuid[], versions bigint[])
        language plpgsql as $$
        declare
            found_count int;
        begin
            select count(*) into found_count from (
                select s.id from mt_streams s join unnest(ids, versions) as x(id, version) on s.id = x.id and s.version = x.version
                order by s.id for share of s nowait) locked;
            if found_count <> cardinality(ids) then
                raise exception 'a stream this command read has changed' using errcode = '{{ChangedState}}';
            end if;
        end $$;
        """;

    public static void Queue(IDocumentSession session, IReadOnlyList<(Guid Id, long Version)> streams) =>
        session.QueueOperation(new Check(streams.Select(s => s.Id).ToArray(), streams.Select(s => s.Version).ToArray()));

    /// <summary>Returns one row (the count), which Marten hands to <see cref="PostprocessAsync"/> in batch order.</summary>
    private sealed class Check(Guid[] ids, long[] versions) : Weasel.Storage.IStorageOperation
    {
        public void ConfigureCommand(ICommandBuilder builder, IStorageSession session)
        {
            var parameters = builder.AppendWithDbParameters("""
                select count(*) from (
                    select s.id from mt_streams s join unnest(^, ^) as x(id, version) on s.id = x.id and s.version = x.version
                    order by s.id for share of s nowait) locked
                """, '^');
            parameters[0].Value = ids;
            ((NpgsqlParameter)parameters[0]).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid;
            parameters[1].Value = versions;
            ((NpgsqlParameter)parameters[1]).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint;
        }

        public Type DocumentType => typeof(Marten.Storage.StorageFeatures);

        public async Task PostprocessAsync(System.Data.Common.DbDataReader reader, IList<Exception> exceptions, CancellationToken token)
        {
            var unchanged = await reader.ReadAsync(token) ? reader.GetInt64(0) : 0;
            if (unchanged != ids.Length)
                exceptions.Add(new JasperFx.ConcurrencyException("A stream this command read has changed meanwhile.", null));
        }

        public OperationRole Role() => OperationRole.Other;
    }
}
