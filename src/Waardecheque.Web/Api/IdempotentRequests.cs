using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Waardecheque.Domain;
using Waardecheque.Web.Database;
using Waardecheque.Web.Errors;

namespace Waardecheque.Web.Api;

/// <summary>An answer to replay: status, content type and the exact body text.</summary>
public sealed record StoredAnswer(int Status, string ContentType, string Body)
{
    public IResult ToResult() => Results.Text(Body, ContentType, Encoding.UTF8, Status);
}

/// <summary>
/// <c>Idempotency-Key</c> for requests that move money (pledge, collect): a retried request gets the first answer,
/// status and body, and is never carried out twice. Table <c>api_idempotency(actor, key)</c>:
/// <list type="number">
/// <item>the first request claims the key (insert; the primary key lets only one win, in any process);</item>
/// <item>it runs the command with the key as an event header, so the events themselves record that this key was
/// carried out, in the command's own transaction;</item>
/// <item>it stores its answer (success, or the rule's 4xx problem) on the claim.</item>
/// </list>
/// A duplicate that arrives while the first is still running waits for its answer (up to <see cref="WaitForFirst"/>,
/// then 409). A claim left without an answer for <see cref="StaleAfter"/> (the process died between commit and
/// storing the answer) is recovered from the event header: if the events are there, the answer is rebuilt from them;
/// if not, the command never committed and the retry carries it out. The same key with a different request is 409.
/// </summary>
public sealed class IdempotentRequests(NpgsqlDataSource db, DbSchema schema, TimeProvider time, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    public const string Header = "Idempotency-Key";
    /// <summary>The event header under which the key is recorded with the events it caused.</summary>
    public const string EventHeader = "idempotency-key";
    public const int MaxKeyLength = 200;
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan WaitForFirst = TimeSpan.FromSeconds(10);

    private readonly string _table = schema.Table("api_idempotency");

    /// <summary>The key of the request, checked; null when the client sent none.</summary>
    public static string? KeyOf(HttpContext http)
    {
        if (!http.Request.Headers.TryGetValue(Header, out var values)) return null;
        var key = values.ToString().Trim();
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c is < (char)0x21 or > (char)0x7E))
            throw RuleViolation.Validation(new Dictionary<string, string[]>
            {
                [Header] = [$"Een Idempotency-Key is 1 tot {MaxKeyLength} zichtbare ASCII-tekens, bijvoorbeeld een UUID."],
            });
        return key;
    }

    public static byte[] Fingerprint(params object?[] parts) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\u001f", parts.Select(p => p?.ToString() ?? ""))));

    /// <summary>
    /// Runs <paramref name="execute"/> at most once per (actor, key). <paramref name="execute"/> gets the event headers
    /// to pass to the command (null without a key) and returns status and body; <paramref name="recover"/> rebuilds
    /// the answer from the log when a claim was left without one, or returns null when the command never committed.
    /// </summary>
    public async Task<IResult> RunAsync(HttpContext http, string actor, string? key, byte[] fingerprint,
        Func<IReadOnlyDictionary<string, object>?, Task<(int Status, object Body)>> execute,
        Func<string, Task<(int Status, object Body)?>> recover)
    {
        var ct = http.RequestAborted;
        if (key is null)
        {
            var (status, body) = await execute(null);
            return Results.Json(body, json.Value.SerializerOptions, statusCode: status);
        }

        // Waiting is measured on the wall clock, not on TimeProvider: a test's frozen clock must not wait forever.
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await TryClaimAsync(actor, key, fingerprint, ct)) break;
            var row = await FindAsync(actor, key, ct) ?? throw new InvalidOperationException("claim vanished");
            if (!row.Fingerprint.AsSpan().SequenceEqual(fingerprint))
                throw ApiProblemException.Conflict(
                    "Deze Idempotency-Key is al gebruikt voor een ander verzoek. Gebruik voor elk nieuw verzoek een nieuwe sleutel.");
            if (row.Answer is { } answer) return answer.ToResult();
            if (time.GetUtcNow() - row.Created >= StaleAfter)
            {
                if (await recover(key) is { } rebuilt) return await CompleteAsync(actor, key, rebuilt.Status, rebuilt.Body, ct);
                if (await TryTakeOverAsync(actor, key, row.Created, ct)) break;
                continue;
            }
            if (waiting.Elapsed >= WaitForFirst)
                throw new ApiProblemException(StatusCodes.Status409Conflict, ProblemCodes.Conflict,
                    "Hetzelfde verzoek wordt nog verwerkt. Probeer het zo opnieuw.") { RetryAfter = TimeSpan.FromSeconds(1) };
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }

        // This request owns the key.
        (int Status, object Body) result;
        try
        {
            result = await execute(new Dictionary<string, object> { [EventHeader] = key });
        }
        catch (Exception e) when (IsFinalAnswer(e))
        {
            var (problem, _) = ExceptionToProblem.ToProblem(e);
            ProblemWriter.Complete(problem, http);
            var body = JsonSerializer.Serialize(problem, problem.GetType(), json.Value.SerializerOptions);
            return (await StoreAsync(actor, key, new StoredAnswer(problem.Status!.Value, ProblemWriter.ContentType, body), ct)).ToResult();
        }
        catch
        {
            // Not an answer (a clash after every retry, the database away): free the key so a retry runs again, unless
            // the command did commit after all, which the event header tells.
            try
            {
                if (await recover(key) is { } rebuilt) return await CompleteAsync(actor, key, rebuilt.Status, rebuilt.Body, CancellationToken.None);
                await ReleaseAsync(actor, key, CancellationToken.None);
            }
            catch (Exception e) when (DatabaseServices.IsTransient(e))
            {
                // The claim stays; after StaleAfter the next retry recovers it from the log.
            }
            throw;
        }
        return await CompleteAsync(actor, key, result.Status, result.Body, ct);
    }

    /// <summary>A rule's answer is final and is replayed; 409, 429 and 5xx are not (a retry may succeed).</summary>
    private static bool IsFinalAnswer(Exception e) => e switch
    {
        RuleViolation => true,
        ApiProblemException p => p.Status is >= 400 and < 500 and not 409 and not 429,
        AggregateNotFoundException => true,
        _ => false,
    };

    private async Task<IResult> CompleteAsync(string actor, string key, int status, object body, CancellationToken ct)
    {
        var text = JsonSerializer.Serialize(body, body.GetType(), json.Value.SerializerOptions);
        return (await StoreAsync(actor, key, new StoredAnswer(status, "application/json; charset=utf-8", text), ct)).ToResult();
    }

    private async Task<StoredAnswer> StoreAsync(string actor, string key, StoredAnswer answer, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            update {_table} set status = $3, content_type = $4, body = $5, completed = $6
            where actor = $1 and key = $2 and status is null
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        cmd.Parameters.Add(new NpgsqlParameter { Value = answer.Status });
        cmd.Parameters.Add(new NpgsqlParameter { Value = answer.ContentType });
        cmd.Parameters.Add(new NpgsqlParameter { Value = answer.Body });
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        if (await cmd.ExecuteNonQueryAsync(ct) == 1) return answer;
        // Someone recovered the claim meanwhile and stored the answer: theirs is the one to give.
        return (await FindAsync(actor, key, ct))?.Answer ?? answer;
    }

    private async Task<bool> TryClaimAsync(string actor, string key, byte[] fingerprint, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            insert into {_table} (actor, key, fingerprint, created) values ($1, $2, $3, $4) on conflict (actor, key) do nothing
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        cmd.Parameters.Add(new NpgsqlParameter { Value = fingerprint, NpgsqlDbType = NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private async Task<bool> TryTakeOverAsync(string actor, string key, DateTimeOffset claimed, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            update {_table} set created = $4 where actor = $1 and key = $2 and status is null and created = $3
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        cmd.Parameters.Add(new NpgsqlParameter { Value = claimed });
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private async Task ReleaseAsync(string actor, string key, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"delete from {_table} where actor = $1 and key = $2 and status is null");
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private sealed record Claim(byte[] Fingerprint, DateTimeOffset Created, StoredAnswer? Answer);

    private async Task<Claim?> FindAsync(string actor, string key, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select fingerprint, created, status, content_type, body from {_table} where actor = $1 and key = $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var answer = r.IsDBNull(2) ? null : new StoredAnswer(r.GetInt32(2), r.GetString(3), r.GetString(4));
        return new Claim(r.GetFieldValue<byte[]>(0), r.GetFieldValue<DateTimeOffset>(1), answer);
    }
}
