using System.Threading.Channels;
using Npgsql;

namespace Waardecheque.EventStore;

/// <summary>
/// Streams the log in big seq-ordered pages for rebuilds: one connection reads the next page while the caller
/// projects the current one, and each page is deserialised in parallel. The caller must only ask for a range no
/// writer can still add to (up to a high-water mark, or under the inline rebuild's lock), because this reads on a
/// connection and snapshot of its own.
/// </summary>
internal static class EventPages
{
    public static async IAsyncEnumerable<List<StoredEvent>> ReadAsync(NpgsqlDataSource dataSource, EventTypeRegistry registry,
        long after, long upTo, int pageSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pages = Channel.CreateBounded<List<StoredEvent>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(() => ProduceAsync(dataSource, registry, after, upTo, pageSize, pages.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var page in pages.Reader.ReadAllAsync(ct)) yield return page;
        }
        finally
        {
            await stop.CancelAsync();
            try { await producer; }
            catch (OperationCanceledException) { /* stopped early by the consumer */ }
        }
    }

    private static async Task ProduceAsync(NpgsqlDataSource dataSource, EventTypeRegistry registry, long after, long upTo,
        int pageSize, ChannelWriter<List<StoredEvent>> pages, CancellationToken ct)
    {
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand(
                $"select {EventRows.Columns} from mt_events e where e.seq_id > $1 and e.seq_id <= $2 order by e.seq_id limit $3", conn);
            var from = new NpgsqlParameter<long> { TypedValue = after };
            cmd.Parameters.Add(from);
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
            while (true)
            {
                var raw = new List<EventRows.RawEvent>(pageSize);
                await using (var r = await cmd.ExecuteReaderAsync(ct))
                    while (await r.ReadAsync(ct)) raw.Add(EventRows.ReadRaw(r));
                if (raw.Count == 0) break;
                var page = new StoredEvent[raw.Count];
                Parallel.For(0, raw.Count, new ParallelOptions { CancellationToken = ct }, i => page[i] = raw[i].ToEvent(registry));
                await pages.WriteAsync([.. page], ct);
                if (raw.Count < pageSize) break;
                from.TypedValue = raw[^1].Sequence;
            }
            pages.Complete();
        }
        catch (Exception e)
        {
            pages.Complete(e);
            throw;
        }
    }
}
