using System.Collections;

namespace Waardecheque.Domain;

/// <summary>One event bound for one stream. <see cref="NewStreamType"/> is set when the event starts a new stream.</summary>
public sealed record StreamEvent(Guid StreamId, object Data, Type? NewStreamType = null);

/// <summary>A message for the outbox: delivered after commit, or at <see cref="DueAt"/> when scheduled.</summary>
public sealed record OutgoingMessage(object Message, DateTimeOffset? DueAt = null);

/// <summary>
/// What a pure handler returns (Wolverine's cascading messages, Marten's appends): events for any number of
/// streams, all written in one transaction, and messages to send once that transaction has committed.
/// Written with a collection initializer: <c>new Events { { idea.Id, new PledgeReceived(...) } }</c>.
/// </summary>
public sealed class Events : IEnumerable<StreamEvent>
{
    private readonly List<StreamEvent> _events = [];
    private readonly List<OutgoingMessage> _messages = [];

    public IReadOnlyList<StreamEvent> Appended => _events;
    public IReadOnlyList<OutgoingMessage> Messages => _messages;

    /// <summary>Appends to an existing stream (one the pipeline loaded, so its version is checked).</summary>
    public void Add(Guid streamId, object @event) => _events.Add(new StreamEvent(streamId, @event));

    /// <summary>Starts a new stream of aggregate <typeparamref name="TAggregate"/> with this event.</summary>
    public void Start<TAggregate>(Guid streamId, object @event) where TAggregate : class =>
        _events.Add(new StreamEvent(streamId, @event, typeof(TAggregate)));

    /// <summary>Sends a message after commit, or schedules it for <paramref name="dueAt"/>.</summary>
    public void Send(object message, DateTimeOffset? dueAt = null) => _messages.Add(new OutgoingMessage(message, dueAt));

    public IEnumerator<StreamEvent> GetEnumerator() => _events.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
