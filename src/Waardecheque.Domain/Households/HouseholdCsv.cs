using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Waardecheque.Domain.Households;

/// <summary>
/// Reads the household CSV of API.md: header <c>postcode,huisnummer,huisletter,toevoeging,straat,buurtcode</c> (any
/// order, any case), separator <c>,</c> or <c>;</c>, quoted fields, UTF-8 with or without BOM. Every row is checked
/// and every problem is reported with its line (header = line 1) and field, so a municipality fixes its file in one go.
/// </summary>
public static class HouseholdCsv
{
    public static readonly IReadOnlyList<string> Columns = ["postcode", "huisnummer", "huisletter", "toevoeging", "straat", "buurtcode"];

    public sealed record ParseResult(IReadOnlyList<(int Line, Household Household)> Rows, IReadOnlyList<RowError> Errors);

    public static ParseResult Parse(string csvText, Guid programId, Func<string, bool> buurtInProgram)
    {
        var text = (csvText ?? "").TrimStart('\uFEFF');
        var rows = new List<(int, Household)>();
        var errors = new List<RowError>();
        var badDataRows = new HashSet<int>();

        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = DetectDelimiter(text),
            HasHeaderRecord = false,        // we read the header ourselves to report it as line 1
            IgnoreBlankLines = true,
            BadDataFound = args => badDataRows.Add(args.Context.Parser?.RawRow ?? 0),
        };
        using var parser = new CsvParser(new StringReader(text), config);

        if (!parser.Read())
            return new([], [new RowError(1, "header", HeaderMessage("het bestand is leeg"))]);
        var header = parser.Record!.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var missing = Columns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
            return new([], [new RowError(parser.RawRow, "header", HeaderMessage($"kolom {string.Join(", ", missing)} ontbreekt"))]);
        var index = Columns.ToDictionary(c => c, c => Array.IndexOf(header, c));

        while (parser.Read())
        {
            var line = parser.RawRow;
            var record = parser.Record!;
            if (badDataRows.Contains(line))
            {
                errors.Add(new RowError(line, "regel", "Deze regel heeft aanhalingstekens op een verkeerde plek."));
                continue;
            }
            // A trailing separator (spreadsheets add them) gives extra empty fields: harmless. Too few is not.
            if (record.Length < header.Length || record.Skip(header.Length).Any(f => f.Trim().Length > 0))
            {
                errors.Add(new RowError(line, "regel", $"Deze regel heeft {record.Length} velden; er horen er {header.Length} te zijn."));
                continue;
            }
            if (record.Any(f => f.Contains('\uFFFD')))
            {
                errors.Add(new RowError(line, "regel", "Deze regel bevat onleesbare tekens; sla het bestand op als UTF-8."));
                continue;
            }
            string Field(string column) => record[index[column]];

            var checks = new (string Field, AddressRules.Result Result)[]
            {
                ("postcode", AddressRules.Postcode(Field("postcode"))),
                ("huisnummer", AddressRules.Huisnummer(Field("huisnummer"))),
                ("huisletter", AddressRules.Huisletter(Field("huisletter"))),
                ("toevoeging", AddressRules.Toevoeging(Field("toevoeging"))),
                ("straat", AddressRules.Street(Field("straat"))),
                ("buurtcode", AddressRules.BuurtCode(Field("buurtcode"), buurtInProgram)),
            };
            var bad = checks.Where(c => !c.Result.IsOk).ToList();
            if (bad.Count > 0)
            {
                errors.AddRange(bad.Select(c => new RowError(line, c.Field, c.Result.ErrorMessage!)));
                continue;
            }

            var postcode = checks[0].Result.Value!;
            var nummer = int.Parse(checks[1].Result.Value!, CultureInfo.InvariantCulture);
            var letter = checks[2].Result.Value;
            var toevoeging = checks[3].Result.Value;
            var key = Household.AddressKeyOf(postcode, nummer, letter, toevoeging);
            rows.Add((line, new Household(Household.IdFor(programId, key), programId, postcode, nummer, letter, toevoeging,
                checks[4].Result.Value!, checks[5].Result.Value!)));
        }
        return new(rows, errors);
    }

    /// <summary>Dutch spreadsheets save with ';' (the comma is the decimal separator); the header line tells which.</summary>
    private static string DetectDelimiter(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        var firstLine = end < 0 ? text : text[..end];
        return firstLine.Count(c => c == ';') > firstLine.Count(c => c == ',') ? ";" : ",";
    }

    private static string HeaderMessage(string problem) =>
        $"De kopregel klopt niet ({problem}); verwacht: {string.Join(",", Columns)}.";
}
