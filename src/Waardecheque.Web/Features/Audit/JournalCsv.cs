using System.Globalization;
using System.Text;
using Waardecheque.ReadModels;

using Waardecheque.Web.Pages;

namespace Waardecheque.Web.Features.Audit;

/// <summary>
/// The program's double-entry journal as CSV, streamed from <see cref="ProgramLedger.JournalAsync"/>. One writer for
/// the API's <c>journal.csv</c> (bearer tokens) and the audit page's download (staff cookie).
/// </summary>
public static class JournalCsv
{
    public const string Header = "seq,time,eventType,debitAccount,creditAccount,amountCents,streamId,actor";

    /// <summary>Sets the CSV content type and attachment name, then streams the header and every journal line.</summary>
    public static async Task WriteAsync(HttpResponse response, WaardechequeStore store, Guid programId, CancellationToken ct)
    {
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"journaal-{programId}.csv\"";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), 64 * 1024);
        await writer.WriteAsync(Header + "\n");
        await foreach (var l in ProgramLedger.JournalAsync(store, programId, ct))
        {
            await writer.WriteAsync(string.Join(',',
                l.Seq.ToString(CultureInfo.InvariantCulture),
                l.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture),
                Csv(l.EventType), Csv(l.DebitAccount), Csv(l.CreditAccount),
                l.AmountCents.ToString(CultureInfo.InvariantCulture), l.StreamId.ToString(), Csv(l.Actor ?? "")) + "\n");
        }
    }

    /// <summary>RFC 4180 quoting, and no leading formula characters a spreadsheet would execute.</summary>
    internal static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
