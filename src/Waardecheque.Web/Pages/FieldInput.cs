namespace Waardecheque.Web.Pages;

/// <summary>The model of <c>_Field.cshtml</c>: one labelled input.</summary>
public sealed record FieldInput(string Id, string Name, string Label, string? Value, string? Error = null, string? Hint = null,
    string Type = "text", string? InputMode = null);

/// <summary>The model of <c>_Scanner.cshtml</c>: the form the scanned code goes into; <see cref="Continue"/> restarts the camera after each scan.</summary>
public sealed record ScannerBox(string FormId, bool Continue = false);
