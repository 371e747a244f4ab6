namespace Waardecheque.Web.PagesSupport;

/// <summary>The model of <c>_Field.cshtml</c>: one labelled input.</summary>
public sealed record FieldInput(string Id, string Name, string Label, string? Value, string? Error = null, string? Hint = null,
    string Type = "text", string? InputMode = null);
