using System.Globalization;
using Waardecheque.Domain;

namespace Waardecheque.Web.PagesSupport;

/// <summary>
/// Every text the pages show, Dutch (B1, "je") and English side by side so neither can be forgotten. Rule messages
/// come from the domain (Dutch); in English they are replaced by the text for their error code.
/// </summary>
public sealed partial class Texts
{
    public static readonly Texts Dutch = new(PageLanguage.Nl), English = new(PageLanguage.En);
    public static Texts For(string lang) => lang == PageLanguage.En ? English : Dutch;

    private Texts(string lang) => Lang = lang;

    public string Lang { get; }
    public bool IsEnglish => Lang == PageLanguage.En;
    public string OtherLang => IsEnglish ? PageLanguage.Nl : PageLanguage.En;

    public string this[string key] => All.TryGetValue(key, out var t) ? (IsEnglish ? t.En : t.Nl) : key;

    public string F(string key, params object[] args) => string.Format(CultureInfo.InvariantCulture, this[key], args);

    public string Euros(long cents) => Format.Euros(cents, Lang);
    public string Date(DateTimeOffset moment) => Format.Date(moment, Lang);
    public string Count(long n) => Format.Count(n, Lang);

    /// <summary>The domain's own Dutch message, or in English the text for its code (with the numbers it carries).</summary>
    public string Rule(RuleViolation e)
    {
        if (!IsEnglish) return e.Message;
        long Cents(string key) => e.Details.TryGetValue(key, out var v) && v is long l ? l : 0;
        return e.Code switch
        {
            ErrorCodes.InvalidAmount when e.Details.ContainsKey("minPledgeCents") =>
                $"Pledge at least {Euros(Cents("minPledgeCents"))}, or everything that is left on your cheque.",
            ErrorCodes.InvalidAmount when e.Details.ContainsKey("maxTopUpCents") =>
                $"Add between {Euros(1)} and {Euros(Cents("maxTopUpCents"))}.",
            ErrorCodes.InsufficientCredit => $"Your cheque has {Euros(Cents("availableCents"))} left.",
            ErrorCodes.TargetExceeded => $"This idea still needs {Euros(Cents("stillNeededCents"))}.",
            ErrorCodes.NeedsMoreNeighbours =>
                $"{e.Details.GetValueOrDefault("householdsMissing")} more household(s) must take part; pledge at most {Euros(Cents("maxAmountCents"))}.",
            _ => All.TryGetValue("rule." + e.Code, out var t) ? t.En : "This did not work: " + e.Message,
        };
    }

    public string IdeaState(string state) => this["state." + state];
    public string ChequeState(string state) => this["cheque." + state];

    private static readonly Dictionary<string, (string Nl, string En)> All = new()
    {
        ["site.name"] = ("Waardecheque", "Waardecheque"),
        ["skip"] = ("Naar de inhoud", "Skip to content"),
        ["lang.switch"] = ("English", "Nederlands"),
        ["lang.switch.label"] = ("Read this page in English", "Lees deze pagina in het Nederlands"),
        ["nav.label"] = ("Hoofdmenu", "Main menu"),
        ["nav.mycheque"] = ("Mijn cheque", "My cheque"),
        ["nav.propose"] = ("Idee voorstellen", "Propose an idea"),
        ["nav.signout"] = ("Uitloggen", "Sign out"),
        ["nav.moderation"] = ("Ideeën beoordelen", "Review ideas"),
        ["nav.walkin"] = ("Inloop", "Walk-in"),
        ["nav.programs"] = ("Regelingen", "Programs"),
        ["footer"] = ("Een regeling van de gemeente. Vragen? Kom langs bij het inlooppunt.",
            "A program of the municipality. Questions? Visit the walk-in point."),
        ["error.generic"] = ("Er ging iets mis. Probeer het nog eens.", "Something went wrong. Please try again."),
        ["error.title"] = ("Dat lukte niet", "That did not work"),

        ["home.title"] = ("Doe mee met je buurt", "Take part in your neighbourhood"),
        ["home.intro"] = ("Met je waardecheque steun je samen met je buren een idee voor je straat of buurt.",
            "With your value cheque you and your neighbours support an idea for your street or neighbourhood."),
        ["home.scan"] = ("Scan de QR-code op je brief met de camera van je telefoon. Of typ de code over.",
            "Scan the QR code on your letter with your phone's camera. Or type in the code."),
        ["home.type"] = ("Code intypen", "Type the code"),
        ["home.staff"] = ("Inloggen voor medewerkers", "Staff sign-in"),

        ["code.title"] = ("Typ de code van je brief", "Type the code from your letter"),
        ["code.label"] = ("Code van je waardecheque", "Your cheque code"),
        ["code.hint"] = ("Je vindt de code onder de QR-code op je brief, bijvoorbeeld K7QM-3XRP-9T2C-W. Streepjes en hoofdletters maken niet uit.",
            "You find the code below the QR code on your letter, for example K7QM-3XRP-9T2C-W. Dashes and capitals do not matter."),
        ["code.submit"] = ("Verder", "Continue"),
        ["code.malformed"] = ("Deze code klopt niet. Kijk of je hem goed hebt overgetypt: let op de letters en cijfers.",
            "This code is not right. Check that you typed it correctly: look closely at the letters and numbers."),
        ["code.unknown"] = ("We kennen deze code niet. Kijk nog eens op je brief, of kom langs bij het inlooppunt.",
            "We do not know this code. Look at your letter again, or visit the walk-in point."),
        ["code.limited"] = ("Te vaak een verkeerde code geprobeerd. Wacht een paar minuten en probeer het dan opnieuw.", "Too many wrong codes. Wait a few minutes and try again."),
        ["code.scanfail"] = ("De code uit de QR-code werkt niet. Typ de code van je brief hieronder over.",
            "The code from the QR code does not work. Type the code from your letter below."),

        ["mine.title"] = ("Mijn waardecheque", "My value cheque"),
        ["mine.credit"] = ("Je kunt nog besteden", "You can still spend"),
        ["mine.of"] = ("van de {0} op je cheque", "of the {0} on your cheque"),
        ["mine.street"] = ("Je woont in de {0}, buurt {1}.", "You live in {0}, neighbourhood {1}."),
        ["mine.next.title"] = ("Wat kun je doen?", "What can you do?"),
        ["mine.next.pledge"] = ("Kies hieronder een idee van je buren en geef er geld aan.", "Choose an idea of your neighbours below and give money to it."),
        ["mine.next.propose"] = ("Heb je zelf een idee? Stel het voor.", "Do you have an idea yourself? Propose it."),
        ["mine.next.deadline"] = ("Je kunt meedoen tot {0}.", "You can take part until {0}."),
        ["mine.next.allspent"] = ("Je hebt je hele cheque gegeven. Bedankt!", "You have given your whole cheque. Thank you!"),
        ["mine.notopen"] = ("De regeling is nog niet open. Je kunt meedoen vanaf {0}.", "The program is not open yet. You can take part from {0}."),
        ["mine.closed"] = ("De regeling is gesloten.", "The program is closed."),
        ["mine.pledges.title"] = ("Mijn toezeggingen", "My pledges"),
        ["mine.pledges.none"] = ("Je hebt nog niets toegezegd.", "You have not pledged anything yet."),
        ["mine.ideas.title"] = ("Ideeën in jouw straat en buurt", "Ideas in your street and neighbourhood"),
        ["mine.ideas.none"] = ("Er zijn nog geen ideeën. Stel er zelf een voor!", "There are no ideas yet. Propose one yourself!"),
        ["pledge.fate.Open"] = ("telt mee, het idee zoekt nog geld", "counts, the idea is still collecting"),
        ["pledge.fate.Funded"] = ("gelukt: het idee gaat door", "success: the idea goes ahead"),
        ["pledge.fate.Completed"] = ("gelukt: het idee is uitgevoerd", "success: the idea has been carried out"),
        ["pledge.fate.Released"] = ("teruggekomen op je cheque", "returned to your cheque"),

        ["idea.progress"] = ("{0} van {1}", "{0} of {1}"),
        ["idea.households"] = ("{0} van {1} huishoudens", "{0} of {1} households"),
        ["idea.deadline"] = ("Geld geven kan tot {0}", "You can give money until {0}"),
        ["idea.scope.Street"] = ("Voor de {0}", "For {0}"),
        ["idea.scope.Buurt"] = ("Voor de hele buurt {0}", "For the whole neighbourhood {0}"),
        ["idea.mine"] = ("Jij gaf", "You gave"),
        ["idea.yours"] = ("Dit is jouw idee.", "This is your idea."),
        ["idea.rejected"] = ("Niet goedgekeurd: {0}", "Not approved: {0}"),
        ["idea.submitted"] = ("Een buurtverbinder kijkt nog naar dit idee. Daarna kunnen buren geld geven.",
            "A neighbourhood connector is still reviewing this idea. After that neighbours can give money."),
        ["idea.funded"] = ("Het is gelukt! Genoeg buren deden mee: dit idee gaat door.", "It worked! Enough neighbours took part: this idea goes ahead."),
        ["idea.notfound"] = ("Dit idee bestaat niet, of het is niet voor jouw straat of buurt.", "This idea does not exist, or it is not for your street or neighbourhood."),
        ["idea.back"] = ("Terug naar mijn cheque", "Back to my cheque"),
        ["pledge.title"] = ("Geld geven aan dit idee", "Give money to this idea"),
        ["pledge.amount"] = ("Bedrag in euro", "Amount in euros"),
        ["pledge.amount.hint"] = ("Bijvoorbeeld 2,50. Minstens {0}, of alles wat je nog hebt.", "For example 2.50. At least {0}, or everything you have left."),
        ["pledge.all"] = ("Geef alles wat ik nog heb ({0})", "Give everything I have left ({0})"),
        ["pledge.submit"] = ("Geld geven", "Give money"),
        ["pledge.done"] = ("Gelukt: je gaf {0} aan dit idee.", "Done: you gave {0} to this idea."),
        ["pledge.badamount"] = ("Vul een bedrag in euro in, bijvoorbeeld 2,50.", "Fill in an amount in euros, for example 2.50."),
        ["withdraw.title"] = ("Toch niet meedoen?", "Changed your mind?"),
        ["withdraw.text"] = ("Zolang het idee nog geld zoekt, kun je je geld terugnemen.", "As long as the idea is still collecting, you can take your money back."),
        ["withdraw.submit"] = ("Mijn geld terugnemen", "Take my money back"),
        ["withdraw.done"] = ("Je geld staat weer op je cheque.", "Your money is back on your cheque."),

        ["propose.title"] = ("Een idee voorstellen", "Propose an idea"),
        ["propose.rules.title"] = ("De spelregels", "The rules"),
        ["propose.rule1"] = ("Het idee is voor en door bewoners van je straat of buurt.", "The idea is for and by residents of your street or neighbourhood."),
        ["propose.rule2"] = ("Minstens {0} huishoudens van verschillende adressen moeten meedoen.", "At least {0} households from different addresses must take part."),
        ["propose.rule3"] = ("Geen commercieel of politiek doel.", "No commercial or political aim."),
        ["propose.rule4"] = ("Het doelbedrag ligt tussen {0} en {1}.", "The target is between {0} and {1}."),
        ["propose.rule5"] = ("Een buurtverbinder kijkt eerst of het idee past. Daarna kunnen buren geld geven.",
            "A neighbourhood connector first checks that the idea fits. After that neighbours can give money."),
        ["propose.rule6"] = ("Komt er niet genoeg geld bij elkaar voor de deadline? Dan krijgt iedereen zijn geld terug op de cheque.",
            "Not enough money by the deadline? Then everyone gets their money back on their cheque."),
        ["propose.field.title"] = ("Naam van je idee", "Name of your idea"),
        ["propose.field.title.hint"] = ("Kort en duidelijk, bijvoorbeeld: Bankje bij de speeltuin.", "Short and clear, for example: Bench by the playground."),
        ["propose.field.description"] = ("Wat wil je doen?", "What do you want to do?"),
        ["propose.field.scope"] = ("Voor wie is het?", "Who is it for?"),
        ["propose.scope.street"] = ("Mijn straat: {0}", "My street: {0}"),
        ["propose.scope.buurt"] = ("Mijn hele buurt: {0}", "My whole neighbourhood: {0}"),
        ["propose.field.target"] = ("Hoeveel geld is nodig? (euro)", "How much money is needed? (euros)"),
        ["propose.field.deadline"] = ("Tot wanneer mogen buren geld geven?", "Until when can neighbours give money?"),
        ["propose.submit"] = ("Idee indienen", "Submit idea"),
        ["propose.done"] = ("Je idee is ingediend. Een buurtverbinder kijkt ernaar.", "Your idea has been submitted. A neighbourhood connector will review it."),
        ["propose.badtarget"] = ("Vul een bedrag in euro in.", "Fill in an amount in euros."),
        ["propose.baddeadline"] = ("Kies een datum.", "Choose a date."),

        ["state.Submitted"] = ("Wacht op beoordeling", "Awaiting review"),
        ["state.Open"] = ("Zoekt geld", "Collecting"),
        ["state.Rejected"] = ("Niet goedgekeurd", "Not approved"),
        ["state.Withdrawn"] = ("Ingetrokken", "Withdrawn"),
        ["state.Expired"] = ("Niet gelukt (deadline voorbij)", "Did not make it (deadline passed)"),
        ["state.Funded"] = ("Gelukt", "Funded"),
        ["state.Completed"] = ("Uitgevoerd", "Completed"),
        ["cheque.Issued"] = ("Nog niet geactiveerd", "Not activated yet"),
        ["cheque.Activated"] = ("Actief", "Active"),
        ["cheque.Blocked"] = ("Geblokkeerd", "Blocked"),
        ["cheque.Reissued"] = ("Vervangen", "Replaced"),
        ["cheque.Expired"] = ("Verlopen", "Expired"),

        ["staff.login.title"] = ("Inloggen voor medewerkers", "Staff sign-in"),
        ["staff.login.email"] = ("E-mailadres", "Email address"),
        ["staff.login.password"] = ("Wachtwoord", "Password"),
        ["staff.login.submit"] = ("Inloggen", "Sign in"),
        ["staff.login.wrong"] = ("Het e-mailadres of het wachtwoord klopt niet.", "The email address or the password is not right."),
        ["staff.login.noaccess"] = ("Je hebt geen toegang tot die pagina. Log in met een ander account.", "You have no access to that page. Sign in with another account."),
        ["staff.login.limited"] = ("Te vaak geprobeerd. Wacht een paar minuten.", "Too many attempts. Wait a few minutes."),
        ["staff.home"] = ("Je bent ingelogd als {0}.", "You are signed in as {0}."),

        ["mod.title"] = ("Ideeën beoordelen", "Review ideas"),
        ["mod.none"] = ("Er wachten geen ideeën op beoordeling.", "No ideas are waiting for review."),
        ["mod.rules"] = ("Past het idee bij de spelregels: voor en door bewoners, geen commercieel of politiek doel?",
            "Does the idea fit the rules: for and by residents, no commercial or political aim?"),
        ["mod.target"] = ("Doelbedrag", "Target"),
        ["mod.approve"] = ("Goedkeuren", "Approve"),
        ["mod.reason"] = ("Reden van afwijzen (de bewoner ziet dit)", "Reason for rejecting (the resident sees this)"),
        ["mod.reject"] = ("Afwijzen", "Reject"),
        ["mod.approved"] = ("Goedgekeurd: \"{0}\". Buren kunnen nu geld geven.", "Approved: \"{0}\". Neighbours can now give money."),
        ["mod.rejected"] = ("Afgewezen: \"{0}\".", "Rejected: \"{0}\"."),

        ["walkin.title"] = ("Inloop: een bewoner helpen", "Walk-in: help a resident"),
        ["walkin.intro"] = ("Typ de code van de brief van de bewoner. Alles wat je hier doet, wordt vastgelegd als gedaan door jou namens de bewoner.",
            "Type the code from the resident's letter. Everything you do here is recorded as done by you on behalf of the resident."),
        ["walkin.find"] = ("Cheque zoeken", "Find cheque"),
        ["walkin.cheque"] = ("Cheque van een huishouden in de {0}, buurt {1}", "Cheque of a household in {0}, neighbourhood {1}"),
        ["walkin.state"] = ("Status", "Status"),
        ["walkin.available"] = ("Nog te besteden", "Still to spend"),
        ["walkin.activate"] = ("Cheque activeren namens de bewoner", "Activate the cheque for the resident"),
        ["walkin.activated"] = ("De cheque is geactiveerd.", "The cheque has been activated."),
        ["walkin.propose"] = ("Een idee voorstellen voor deze bewoner", "Propose an idea for this resident"),
        ["walkin.proposed"] = ("Het idee '{0}' is ingediend namens de bewoner.", "The idea '{0}' was submitted on the resident's behalf."),
        ["walkin.pledge"] = ("Geld geven namens de bewoner", "Give money for the resident"),
        ["walkin.idea"] = ("Idee", "Idea"),
        ["walkin.pledged"] = ("Gelukt: {0} gegeven aan \"{1}\".", "Done: {0} given to \"{1}\"."),
        ["walkin.noideas"] = ("Er zijn geen open ideeën voor deze bewoner.", "There are no open ideas for this resident."),
        ["walkin.done"] = ("Klaar, volgende bewoner", "Done, next resident"),

        ["prog.title"] = ("Regelingen", "Programs"),
        ["prog.none"] = ("Er zijn nog geen regelingen.", "There are no programs yet."),
        ["prog.audit"] = ("Controle in één oogopslag", "Audit at a glance"),
        ["prog.reconciles.yes"] = ("Het geld klopt: alle bedragen sluiten op elkaar aan.", "The money reconciles: all figures add up."),
        ["prog.reconciles.no"] = ("Let op: de bedragen sluiten NIET op elkaar aan. Neem contact op met de controller.",
            "Warning: the figures do NOT reconcile. Contact the auditor."),
        ["prog.figures"] = ("Waar is het geld?", "Where is the money?"),
        ["prog.issued"] = ("Uitgedeeld op cheques", "Issued on cheques"),
        ["prog.available"] = ("Nog op cheques", "Still on cheques"),
        ["prog.pledgedOpen"] = ("Toegezegd aan open ideeën", "Pledged to open ideas"),
        ["prog.committed"] = ("Vast voor gelukte ideeën", "Committed to funded ideas"),
        ["prog.expired"] = ("Verlopen (naar gemeente)", "Expired (to municipality)"),
        ["prog.spent"] = ("Uitgegeven aan bonnen", "Spent on receipts"),
        ["prog.returned"] = ("Teruggegeven", "Returned"),
        ["prog.toppedUp"] = ("Eigen inleg", "Own top-ups"),
        ["prog.byBuurt"] = ("Per buurt", "By neighbourhood"),
        ["prog.buurt"] = ("Buurt", "Neighbourhood"),
        ["prog.households"] = ("Huishoudens", "Households"),
        ["prog.activated"] = ("Geactiveerd", "Activated"),
        ["prog.pledging"] = ("Gaven geld", "Gave money"),
        ["prog.ideas"] = ("Ideeën", "Ideas"),
        ["prog.funded"] = ("Gelukt", "Funded"),
        ["prog.participation"] = ("Deelname", "Participation"),
        ["prog.state"] = ("Status", "Status"),
        ["prog.state.Draft"] = ("In voorbereiding", "Draft"),
        ["prog.state.Open"] = ("Open", "Open"),
        ["prog.state.Closed"] = ("Gesloten", "Closed"),
        ["prog.collected"] = ("Opgehaald", "Collected"),
        ["prog.chart"] = ("Staafdiagram: {0}", "Bar chart: {0}"),
        ["prog.history"] = ("Het geld door de tijd", "The money over time"),
        ["prog.history.intro"] = ("Waar het geld stond aan het eind van elke dag waarop er iets gebeurde.",
            "Where the money was at the end of every day on which something happened."),
        ["prog.history.chart"] = ("Lijndiagram: {0}", "Line chart: {0}"),
        ["prog.history.caption"] = ("Het geld per dag (stand aan het eind van de dag, UTC)", "The money per day (at the end of the day, UTC)"),
        ["prog.date"] = ("Datum (UTC)", "Date (UTC)"),
        ["prog.journal"] = ("Journaal", "Journal"),
        ["prog.journal.intro"] = ("Elke boeking van deze regeling in dubbel boekhouden, als CSV-bestand voor de accountant.",
            "Every double-entry booking of this program, as a CSV file for the auditor."),
        ["prog.journal.download"] = ("Journaal downloaden (CSV)", "Download the journal (CSV)"),
        ["prog.integrity"] = ("Integriteit van het logboek", "Integrity of the event log"),
        ["prog.integrity.intro"] = ("Rekent de hashketen van alle gebeurtenissen opnieuw na. De hash van het controlepunt kan de gemeente publiceren: wie hem later opnieuw berekent, ziet of er iets is veranderd.",
            "Recomputes the hash chain of every event. The municipality can publish the checkpoint hash: whoever recomputes it later sees whether anything changed."),
        ["prog.integrity.run"] = ("Integriteit controleren", "Check integrity"),
        ["prog.integrity.valid"] = ("In orde: elke gebeurtenis klopt met de hashketen.", "Valid: every event matches the hash chain."),
        ["prog.integrity.invalid"] = ("Let op: het logboek klopt NIET. Neem contact op met de controller.",
            "Warning: the event log does NOT check out. Contact the controller."),
        ["prog.integrity.result"] = ("Uitkomst van de controle", "Result of the check"),
        ["prog.integrity.events"] = ("Gebeurtenissen", "Events"),
        ["prog.integrity.streams"] = ("Stromen", "Streams"),
        ["prog.integrity.validLabel"] = ("Geldig", "Valid"),
        ["prog.integrity.firstBroken"] = ("Eerste fout bij volgnummer", "First broken seq"),
        ["prog.integrity.none"] = ("geen", "none"),
        ["prog.integrity.checkpointSeq"] = ("Controlepunt: volgnummer", "Checkpoint: seq"),
        ["prog.integrity.hash"] = ("Controlepunt: hash (SHA-256)", "Checkpoint: hash (SHA-256)"),
        ["prog.integrity.at"] = ("Berekend op", "Computed at"),
        ["prog.yes"] = ("ja", "yes"),
        ["prog.no"] = ("nee", "no"),

        ["rule.cheque_not_usable"] = ("", "This cheque cannot be used now."),
        ["rule.idea_not_open"] = ("", "This idea is not accepting money."),
        ["rule.not_a_neighbour"] = ("", "This idea is for residents of another street or neighbourhood."),
        ["rule.invalid_amount"] = ("", "Fill in an amount of more than 0."),
        ["rule.validation_failed"] = ("", "Not all fields are filled in correctly."),
        ["rule.invalid_state"] = ("", "This cannot be done in the idea's current state."),
        ["rule.no_pledge"] = ("", "You have not pledged anything to this idea."),
    };
}
