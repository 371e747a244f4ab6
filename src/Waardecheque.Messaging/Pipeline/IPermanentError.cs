namespace Waardecheque.Messaging;

/// <summary>
/// An error that running the same message again cannot fix: a rule of the domain looked at the current state and said
/// no. The <see cref="OutboxWorker"/> parks such a message at once for a person to look at, instead of backing off and
/// asking the same question ten times. (Like Wolverine's "move to the error queue" policy for an exception type.)
/// </summary>
public interface IPermanentError;
