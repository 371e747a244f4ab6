namespace Waardecheque.Web.Features.Issuing.Printing;

/// <summary>
/// The cheque letters of a program as one PDF, one A4 page per household: address in the envelope window, the
/// explanation, and the QR code with the text code. Feed it from the database with an async stream; it writes to
/// any stream (a response body included) and returns the number of letters.
/// </summary>
public static class LetterPrinter
{
    public static async Task<int> WriteAsync(LetterProgram program, IAsyncEnumerable<LetterRecipient> recipients, Stream output,
        CancellationToken cancellationToken = default)
    {
        using var letters = new LetterDocument(program);
        await foreach (var recipient in recipients.WithCancellation(cancellationToken)) letters.Add(recipient);
        await letters.SaveAsync(output, cancellationToken);
        return letters.Count;
    }

    public static async Task<int> WriteAsync(LetterProgram program, IEnumerable<LetterRecipient> recipients, Stream output,
        CancellationToken cancellationToken = default)
    {
        using var letters = new LetterDocument(program);
        foreach (var recipient in recipients)
        {
            cancellationToken.ThrowIfCancellationRequested();
            letters.Add(recipient);
        }
        await letters.SaveAsync(output, cancellationToken);
        return letters.Count;
    }

    /// <summary>Synchronous, for files and memory streams (ASP.NET Core response bodies refuse synchronous writes).</summary>
    public static int Write(LetterProgram program, IEnumerable<LetterRecipient> recipients, Stream output)
    {
        using var letters = new LetterDocument(program);
        foreach (var recipient in recipients) letters.Add(recipient);
        letters.Save(output);
        return letters.Count;
    }
}
