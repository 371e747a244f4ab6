using Waardecheque.Web.Texts;

namespace Waardecheque.Web.Features.Issuing.Printing;

public enum LetterBlockKind { Paragraph, Heading, Step }

public sealed record LetterBlock(LetterBlockKind Kind, string Text, int Number = 0);

/// <summary>
/// The letter's explanation in plain Dutch (taalniveau B1: short sentences, everyday words, "u"). The same for every
/// household of a program, so the printer lays it out once per document.
/// </summary>
public static class LetterText
{
    public static string Title(LetterProgram p) => $"Uw waardecheque van {DutchText.Euros(p.ChequeValueCents)}";

    public static IReadOnlyList<LetterBlock> Body(LetterProgram p)
    {
        var site = ChequeUrls.ForTyping(p.PublicBaseUrl);
        var help = string.IsNullOrWhiteSpace(p.WalkInPoint) ? "het inlooppunt in uw buurt" : $"het inlooppunt: {p.WalkInPoint.Trim()}";
        return
        [
            new(LetterBlockKind.Paragraph, "Beste bewoner,"),
            new(LetterBlockKind.Paragraph,
                $"Uw huishouden krijgt van {p.MunicipalityName} een waardecheque van {DutchText.Euros(p.ChequeValueCents)}. " +
                "Met dit tegoed doet u samen met uw buren iets goeds voor uw straat of buurt. " +
                "Bijvoorbeeld bloembakken, een bankje of een buurtfeest."),
            new(LetterBlockKind.Heading, "Zo werkt het"),
            new(LetterBlockKind.Step,
                $"Scan de QR-code onderaan deze brief met de camera van uw telefoon. Of ga naar {site} en typ uw code.", 1),
            new(LetterBlockKind.Step,
                "Doe zelf een voorstel voor uw straat of buurt. Of steun het idee van een buurtgenoot met uw tegoed.", 2),
            new(LetterBlockKind.Step,
                $"Een idee gaat door als minstens {p.MinHouseholdsPerIdea} huishoudens meedoen en het hele bedrag bij elkaar is. " +
                "Lukt dat niet, dan krijgt u uw tegoed terug.", 3),
            new(LetterBlockKind.Paragraph,
                $"Doe mee {DutchText.Deadline(p.ClosesAt)}. Tegoed dat u dan nog niet hebt gebruikt, gaat terug naar de gemeente."),
            new(LetterBlockKind.Heading, "Hulp nodig?"),
            new(LetterBlockKind.Paragraph,
                $"Hebt u geen smartphone of wilt u hulp? Kom langs bij {help}. " +
                "Een buurtverbinder helpt u graag, ook met het steunen van een idee."),
            new(LetterBlockKind.Paragraph,
                "Bewaar deze brief goed. Iedereen die uw code heeft, kan uw tegoed gebruiken."),
        ];
    }
}
