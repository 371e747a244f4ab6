using JasperFx;
using Marten.Exceptions;
using Npgsql;
using Waardecheque.ReadModels;

namespace Waardecheque.Handlers;

/// <summary>
/// What a retry may fix, as the <see cref="ConcurrencyException"/> a caller gets when the retries run out (409
/// conflict): Marten's version clashes, a stream started twice, a read stream that moved or is being written, deadlocks.
/// </summary>
public static class Clashes
{
    public static ConcurrencyException? AsClash(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case ConcurrencyException c: return c;
                case ExistingStreamIdCollisionException s: return new ConcurrencyException(s.AggregateType, s.Id);
                case PostgresException { SqlState: ReadStreamsCheck.ChangedState or PostgresErrorCodes.LockNotAvailable
                    or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } p:
                    return new ConcurrencyException("A stream this command touched changed meanwhile: " + p.MessageText, p);
            }
        }
        return null;
    }
}
