namespace Waardecheque.Web.PagesSupport;

/// <summary>
/// The texts of top-ups ("eigen inleg": own money through iDEAL) on the idea page, the return page, "Mijn cheque" and
/// the municipality's dashboard, Dutch and English side by side. State texts are keyed by the API's word
/// (<c>TopUpStates</c>: pending, paid, failed, expired, refunding, refunded).
/// </summary>
public sealed partial class Texts
{
    private static readonly Dictionary<string, (string Nl, string En)> TopUpTexts = new()
    {
        // The form on the idea page.
        ["topup.title"] = ("Zelf geld bijleggen", "Add your own money"),
        ["topup.intro"] = ("Wil je dit idee helpen met je eigen geld? Dat kan, naast je cheque. Je betaalt met iDEAL. " +
                           "Lukt het idee niet, dan krijg je je geld terug.",
            "Do you want to help this idea with your own money? You can, on top of your cheque. You pay with iDEAL. " +
            "If the idea does not make it, you get your money back."),
        ["topup.amount"] = ("Bedrag dat je zelf betaalt (euro)", "Amount you pay yourself (euros)"),
        ["topup.amount.hint"] = ("Bijvoorbeeld 10 of 12,50. Je kunt hoogstens {0} per keer bijleggen. Dit idee heeft nog {1} nodig.",
            "For example 10 or 12.50. You can add at most {0} at a time. This idea still needs {1}."),
        ["topup.submit"] = ("Verder naar betalen", "Continue to payment"),
        ["topup.next"] = ("Je gaat naar de betaalpagina. Daarna kom je hier terug.",
            "You go to the payment page. After that you come back here."),
        ["topup.badamount"] = ("Vul een bedrag in euro in, bijvoorbeeld 12,50.", "Fill in an amount in euros, for example 12.50."),
        ["topup.keyused"] = ("Je had dit formulier al verstuurd met een ander bedrag. Kijk het bedrag na en druk nog eens op de knop.",
            "You had already sent this form with another amount. Check the amount and press the button again."),
        ["topup.unavailable"] = ("De betaaldienst is even niet bereikbaar. Er is niets betaald. Druk over een paar seconden nog eens op de knop.",
            "The payment service is briefly unavailable. Nothing was paid. Press the button again in a few seconds."),
        ["topup.mine"] = ("Jij legde zelf bij", "You added yourself"),

        // The return page (/inleg/{id}).
        ["topup.return.title"] = ("Je eigen inleg", "Your own money"),
        ["topup.return.for"] = ("{0} voor \"{1}\"", "{0} for \"{1}\""),
        ["topup.return.paid"] = ("Gelukt: je betaling is binnen. Je {0} telt mee voor dit idee.",
            "Done: your payment has arrived. Your {0} counts toward this idea."),
        ["topup.return.pending"] = ("We wachten nog op de bevestiging van je bank. Dat duurt meestal maar een paar seconden.",
            "We are still waiting for your bank to confirm. That usually takes only a few seconds."),
        ["topup.return.pending.how"] = ("Je hoeft niets opnieuw te betalen. Druk straks op \"Opnieuw kijken\" om te zien of het gelukt is.",
            "You do not need to pay again. Press \"Check again\" in a moment to see whether it worked."),
        ["topup.return.cancelled"] = ("Je hebt niet betaald. Er is niets afgeschreven.", "You did not pay. Nothing was taken from your account."),
        ["topup.return.payanyway"] = ("Toch betalen", "Pay after all"),
        ["topup.return.expired"] = ("Deze betaling is verlopen. Er is niets afgeschreven. Wil je toch bijleggen? Begin dan opnieuw op de pagina van het idee.",
            "This payment has expired. Nothing was taken from your account. Still want to add money? Start again on the idea's page."),
        ["topup.return.failed"] = ("De betaling is niet gelukt. Er is niets afgeschreven. Je kunt het opnieuw proberen op de pagina van het idee.",
            "The payment did not work. Nothing was taken from your account. You can try again on the idea's page."),
        ["topup.return.refunding"] = ("Je hebt betaald, maar je geld kan niet (meer) meetellen voor dit idee. Je krijgt het terug op je rekening. Dat kan een paar dagen duren.",
            "You paid, but your money can no longer count toward this idea. You get it back on your bank account. That can take a few days."),
        ["topup.return.refunded"] = ("Je hebt {0} teruggekregen op je rekening.", "{0} has been paid back to your bank account."),
        ["topup.return.refresh"] = ("Opnieuw kijken", "Check again"),
        ["topup.return.toidea"] = ("Naar het idee", "To the idea"),
        ["topup.return.notfound"] = ("Deze betaling bestaat niet, of hij is niet van jouw huishouden.",
            "This payment does not exist, or it is not your household's."),

        // "Mijn cheque".
        ["mine.topups.title"] = ("Mijn eigen inleg", "My own money"),
        ["mine.topups.intro"] = ("Geld dat je zelf met iDEAL hebt bijgelegd, en wat je terugkreeg.",
            "Money you added yourself with iDEAL, and what you got back."),
        ["mine.topups.idea"] = ("Idee", "Idea"),
        ["mine.topups.amount"] = ("Bedrag", "Amount"),
        ["mine.topups.state"] = ("Wat gebeurde er?", "What happened?"),
        ["mine.topups.date"] = ("Datum", "Date"),
        ["mine.topups.refundedOn"] = ("{0} terug op {1}", "{0} back on {1}"),

        // The state of a top-up, in a resident's words (the API's state words as keys).
        ["topup.state.pending"] = ("Nog niet betaald", "Not paid yet"),
        ["topup.state.paid"] = ("Betaald, telt mee", "Paid, counts"),
        ["topup.state.failed"] = ("Niet gelukt, niets betaald", "Did not work, nothing paid"),
        ["topup.state.expired"] = ("Verlopen, niets betaald", "Expired, nothing paid"),
        ["topup.state.refunding"] = ("Wordt terugbetaald", "Being paid back"),
        ["topup.state.refunded"] = ("Terugbetaald", "Paid back"),

        // The municipality's dashboard.
        ["prog.refunded"] = ("Eigen inleg terugbetaald", "Own top-ups paid back"),
        ["prog.topups.intro"] = ("Eigen inleg is geld dat bewoners zelf met iDEAL bijlegden. Het telt pas als de betaling binnen is; " +
                                 "lukt een idee niet, dan krijgen ze het terug.",
            "Own top-ups are money residents added themselves with iDEAL. It counts only once the payment has arrived; " +
            "if an idea does not make it, they get it back."),
        ["prog.pledged"] = ("Toegezegd van cheques", "Pledged from cheques"),

        ["rule.top_ups_disabled"] = ("", "You cannot add your own money in this program."),
    };
}
