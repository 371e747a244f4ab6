namespace Waardecheque.Domain;

/// <summary>
/// An error that running the same message again cannot fix: a rule of the domain looked at the current state and said
/// no. A follow-up that fails with one goes to Wolverine's dead letters at once for a person to look at (the
/// "move to the error queue" policy in Waardecheque.Handlers' setup), instead of being retried to no end.
/// </summary>
public interface IPermanentError;
