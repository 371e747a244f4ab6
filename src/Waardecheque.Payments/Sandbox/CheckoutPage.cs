using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Waardecheque.Payments.Sandbox;

/// <summary>
/// The page a Checkout Session's <c>url</c> leads to: Dutch, plain HTML that works without JavaScript or CSS, with
/// the amount and the idea, one form that pays (iDEAL, one submit) and one that goes back to <c>cancel_url</c>.
/// No antiforgery token: like Stripe's own page, the unguessable session id in the address is the capability.
/// </summary>
internal sealed class CheckoutPage(SandboxDatabase db, CheckoutSessions sessions, TimeProvider clock)
{
    private static readonly string[] Banks = ["ABN AMRO", "ASN Bank", "ING", "Knab", "Rabobank", "SNS", "Triodos Bank"];

    public async Task ShowAsync(HttpContext http, string prefix, string id)
    {
        var session = await LoadCurrentAsync(id, http.RequestAborted);
        if (session is null)
        {
            await PageAsync(http, 404, "Betaling niet gevonden", "<p>Deze betaling bestaat niet. Controleer de link of begin opnieuw.</p>");
            return;
        }
        var title = Title(session);
        var amount = DutchMoney.Format(session.Data["amount_total"]!.GetValue<long>());
        switch (CheckoutSessions.Status(session))
        {
            case "complete":
                await PageAsync(http, 200, "Al betaald", $"<p>U hebt {E(amount)} voor {E(title)} al betaald. Dank u wel.</p>");
                return;
            case "expired":
                await PageAsync(http, 410, "Betaling verlopen",
                    $"<p>Deze betaling van {E(amount)} voor {E(title)} is verlopen. Er is niets afgeschreven. Begin zo nodig opnieuw.</p>" + BackLink(session));
                return;
        }

        var action = $"{http.Request.PathBase}{prefix}/checkout/{Uri.EscapeDataString(id)}";
        var options = string.Concat(Banks.Select((b, i) => $"<option value=\"{E(b)}\"{(i == 0 ? " selected" : "")}>{E(b)}</option>"));
        await PageAsync(http, 200, $"Betalen: {title}", $"""
            <p>Dit is de testomgeving van Waardecheque: er wordt geen echt geld afgeschreven.</p>
            <h2>Uw betaling</h2>
            <dl>
              <dt>Bedrag</dt><dd>{E(amount)}</dd>
              <dt>Eigen inleg voor</dt><dd>{E(title)}</dd>
            </dl>
            <form method="post" action="{E(action)}/pay">
              <input type="hidden" name="payment_method" value="ideal">
              <p><label for="bank">Uw bank</label>
                <select id="bank" name="bank">{options}</select></p>
              <p><button type="submit">Betaal {E(amount)} met iDEAL</button></p>
            </form>
            <h2>Toch niet betalen?</h2>
            <form method="post" action="{E(action)}/cancel">
              <p><button type="submit">Annuleren en terug</button></p>
            </form>
            """);
    }

    public async Task PayAsync(HttpContext http, string prefix, string id)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        var method = form?["payment_method"].FirstOrDefault() is "card" ? "card" : "ideal";
        await using var conn = await db.OpenAsync(http.RequestAborted);
        await using var tx = await conn.BeginTransactionAsync(http.RequestAborted);
        var session = await db.LoadAsync(conn, tx, id, CheckoutSessions.Type, forUpdate: true);
        if (session is not null && CheckoutSessions.Status(session) == "open")
        {
            if (CheckoutSessions.IsPastExpiry(session, clock.GetUtcNow())) await sessions.ExpireAsync(conn, tx, session);
            else await sessions.CompleteAsync(conn, tx, session, method, clock.GetUtcNow());
        }
        await tx.CommitAsync(http.RequestAborted);

        // Paid now or by an earlier submit (a double click): both go on to the shop's success page.
        if (session is not null && CheckoutSessions.Status(session) == "complete")
        {
            var success = session.Data["success_url"]!.GetValue<string>().Replace("{CHECKOUT_SESSION_ID}", session.Id);
            http.Response.Redirect(success);
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            return;
        }
        await ShowAsync(http, prefix, id);
    }

    public async Task CancelAsync(HttpContext http, string prefix, string id)
    {
        var session = await LoadCurrentAsync(id, http.RequestAborted);
        // As on Stripe's page: going back leaves the session open until it expires.
        if (session?.Data["cancel_url"] is JsonValue cancel && cancel.GetValue<string>() is { Length: > 0 } url)
        {
            http.Response.Redirect(url);
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            return;
        }
        await PageAsync(http, session is null ? 404 : 200, "Betaling afgebroken", "<p>U hebt niet betaald. U kunt dit venster sluiten.</p>");
    }

    /// <summary>The session, expired first if its time has passed (the worker may not have run yet).</summary>
    private async Task<StoredObject?> LoadCurrentAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var session = await db.LoadAsync(conn, tx, id, CheckoutSessions.Type, forUpdate: true);
        if (session is not null && CheckoutSessions.Status(session) == "open" && CheckoutSessions.IsPastExpiry(session, clock.GetUtcNow()))
            await sessions.ExpireAsync(conn, tx, session);
        await tx.CommitAsync(ct);
        return session;
    }

    private static string Title(StoredObject session) =>
        session.Private["lines"]?.AsArray().FirstOrDefault()?["name"]?.GetValue<string>() ?? "uw betaling";

    private static string BackLink(StoredObject session) =>
        session.Data["cancel_url"] is JsonValue v && v.GetValue<string>() is { Length: > 0 } url
            ? $"<p><a href=\"{E(url)}\">Terug naar Waardecheque</a></p>"
            : "";

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static async Task PageAsync(HttpContext http, int status, string heading, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        var html = new StringBuilder()
            .Append("<!doctype html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(heading)).Append(" - Waardecheque testbetaling</title>\n</head>\n<body>\n<main>\n")
            .Append("<h1>").Append(E(heading)).Append("</h1>\n").Append(body).Append("\n</main>\n</body>\n</html>\n");
        await http.Response.WriteAsync(html.ToString(), http.RequestAborted);
    }
}
