using JasperFx;
using Waardecheque.Domain;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Util;

namespace Waardecheque.Handlers;

/// <summary>
/// Our handlers and their policies in a Wolverine host (the web app, the handler tests and the benchmarks all call this,
/// so they run the same thing). The host adds Marten with <c>IntegrateWithWolverine()</c> and a <see cref="CommandRules"/>.
/// </summary>
public static class HandlerSetup
{
    // Before any Wolverine host of this process names a message type.
    static HandlerSetup() => WolverineMessageNaming.InsertFirst<MessageNames>();

    /// <summary>The waits between attempts after a version clash (each stretched by jitter up to twice its length).</summary>
    public static readonly TimeSpan[] ClashCooldowns =
        [.. new[] { 1, 2, 4, 8, 16, 25, 35, 50, 70, 100, 150, 200 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

    /// <summary>How many times a command that keeps clashing runs before the caller gets the clash (409).</summary>
    public static int MaxAttempts => ClashCooldowns.Length + 1;

    /// <summary>
    /// When a follow-up from a queue or the schedule (a deadline, released credit) fails for any other reason (the
    /// database away, a bug), it is tried again after these waits, then goes to the dead letters for a person: ten tries
    /// in about 9 minutes, as the old outbox worker backed off (2^n s). Without this, Wolverine dead-letters such a
    /// message at its first failure (found here), and a deadline would never fire after a blip.
    /// </summary>
    public static readonly TimeSpan[] FollowUpRetries =
        [.. new[] { 1, 2, 4, 8, 16, 30, 60, 120, 300 }.Select(s => TimeSpan.FromSeconds(s))];

    /// <param name="handlerTypes">The classes of Wolverine handlers (default: <see cref="DomainCommandHandler"/>; the
    /// handler tests pass a test domain's). Nothing is found by scanning: the domain's pure <c>*Handler</c> classes have
    /// static <c>Handle</c> methods too, which Wolverine must not take for its own.</param>
    /// <param name="followUpRetries">The waits of <see cref="FollowUpRetries"/> (tests pass short ones).</param>
    public static WolverineOptions UseWaardechequeHandlers(this WolverineOptions opts, TimeSpan[]? followUpRetries = null,
        params Type[] handlerTypes)
    {
        opts.Discovery.DisableConventionalDiscovery();
        foreach (var type in handlerTypes.Length == 0 ? [typeof(DomainCommandHandler)] : handlerTypes) opts.Discovery.IncludeType(type);
        opts.Policies.AutoApplyTransactions();
        opts.Policies.UseDurableLocalQueues();
        opts.Policies.UseDurableOutboxOnAllSendingEndpoints();
        // A version clash (or a stream started twice, a read stream that moved, a deadlock) means another command
        // changed a stream meanwhile: run the handler again on fresh state, in a new session. These cooldowns apply
        // to IMessageBus.InvokeAsync too (Executor.InvokeAsync asks for an inline continuation; a cooldown is one),
        // and full jitter (each delay d becomes a random one in [d, 2d]) keeps simultaneous losers from colliding
        // in lock-step. From the second attempt on the handler locks the streams the command names (ConventionRunner),
        // so 200 households on one idea queue instead of clashing: 12 retries, at most about 1.3 s of waiting in all.
        // When they run out the clash reaches the caller, who answers 409 conflict (CommandInvocation).
        opts.OnException(e => Clashes.AsClash(e) is not null)
            .RetryWithCooldown(ClashCooldowns)
            .WithFullJitter();
        // A follow-up from a queue that breaks a rule (or a refund no worker makes yet) goes to the dead letters at
        // once, for a person (the old outbox parked such rows). Inline calls are not affected: the caller gets it.
        opts.OnException(e => e is IPermanentError).MoveToErrorQueue();
        // Anything else in a follow-up: try again later (the rules are matched in this order, so a clash or a rule's
        // refusal never gets here). Scheduled retries are not inline: an InvokeAsync caller gets the exception at once.
        opts.OnException(_ => true)
            .ScheduleRetry(followUpRetries ?? FollowUpRetries)
            .Then.MoveToErrorQueue();
        // Due scheduled messages (an idea's deadline, a program's close) are looked for every second, as the old
        // outbox worker did.
        opts.Durability.ScheduledJobPollingTime = TimeSpan.FromSeconds(1);
        return opts;
    }
}
