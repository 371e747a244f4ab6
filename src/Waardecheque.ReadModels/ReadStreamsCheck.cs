using Marten;
using Npgsql;
using Weasel.Core;
using Weasel.Storage;

namespace Waardecheque.ReadModels;

/// <summary>
/// The re-check of streams a command only read (a pledge reads the program to see it is open), sent with the command's
/// own commit: the procedure <c>wc_assert_streams_unchanged</c> share-locks those streams' rows without waiting
/// (NOWAIT) and raises <see cref="ChangedState"/> when a version moved. Share locks do not block each other, so pledges
/// still run side by side, while a close that holds the program's row makes the pledge fail, let go and retry (Wolverine's
/// clash policy in Waardecheque.Handlers).
/// A CALL of a procedure returns no result set, so it can sit anywhere in Marten's batch.
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
        session.QueueOperation(new Call(streams.Select(s => s.Id).ToArray(), streams.Select(s => s.Version).ToArray()));

    private sealed class Call(Guid[] ids, long[] versions) : Weasel.Storage.IStorageOperation, NoDataReturnedCall
    {
        public void ConfigureCommand(ICommandBuilder builder, IStorageSession session)
        {
            var parameters = builder.AppendWithDbParameters("call wc_assert_streams_unchanged(^, ^)", '^');
            parameters[0].Value = ids;
            ((NpgsqlParameter)parameters[0]).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid;
            parameters[1].Value = versions;
            ((NpgsqlParameter)parameters[1]).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint;
        }

        public Type DocumentType => typeof(Marten.Storage.StorageFeatures);
        public Task PostprocessAsync(System.Data.Common.DbDataReader reader, IList<Exception> exceptions, CancellationToken token) => Task.CompletedTask;
        public OperationRole Role() => OperationRole.Other;
    }
}
