namespace Waardecheque.Web.Texts;

// The texts of the pages live in .resx files in this folder, one pair per audience: NameTexts.resx (Dutch, the default)
// and NameTexts.en.resx (English). Each class below only names its pair for IStringLocalizer<T>; PageTexts reads them.
// How to add a text: docs/pages.md.

/// <summary>What residents read: the home page, code entry, ideas, pledging, proposing, Mijn cheque, expenses, collecting
/// paper cheques; also the layout every page shares (menu, language switch, footer).</summary>
public sealed class ResidentTexts;

/// <summary>What staff and the municipality read: sign-in, moderation, the walk-in point, programs, issuing, a lost
/// cheque, reviewing expenses.</summary>
public sealed class StaffTexts;

/// <summary>Top-ups (own money through iDEAL): the idea page's form, the return page, Mijn cheque, the dashboard.</summary>
public sealed class TopUpTexts;

/// <summary>What goes wrong: rule messages by error code (<c>rule.*</c>), the friendly error pages (<c>errpage.*</c>).</summary>
public sealed class ErrorTexts;
