namespace Waardecheque.Web.Features.Issuing.Printing;

/// <summary>Greedy word wrapping against a width, with the measuring passed in so it is testable without a PDF.</summary>
public static class TextWrapping
{
    public static IReadOnlyList<string> Wrap(string text, double width, Func<string, double> measure)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && measure(candidate) > width)
            {
                lines.Add(line);
                line = word; // a single word wider than the line stays whole rather than being cut
            }
            else
            {
                line = candidate;
            }
        }
        if (line.Length > 0) lines.Add(line);
        return lines;
    }
}
