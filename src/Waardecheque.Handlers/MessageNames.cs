using System.Reflection;
using Waardecheque.Domain;
using Wolverine.Attributes;
using Wolverine.Util;

namespace Waardecheque.Handlers;

/// <summary>
/// Wolverine's message type names for our messages: the stable names of <c>DomainEvents.Messages</c> (expire_idea,
/// close_program, ...), or a <see cref="MessageIdentityAttribute"/>, instead of .NET type names, because a scheduled
/// envelope may wait for months (a program's close) and must not depend on a name that a refactoring changes.
/// Also the causation id of the events a command appends (its stable name, or its type's short name).
/// </summary>
public sealed class MessageNames : IMessageTypeNaming
{
    private static readonly Dictionary<Type, string> Stable = DomainEvents.Messages.ToDictionary(m => m.Type, m => m.Alias);

    public bool TryDetermineName(Type messageType, out string messageTypeName) =>
        Stable.TryGetValue(messageType, out messageTypeName!);

    public static string Of(Type type) =>
        Stable.GetValueOrDefault(type) ?? type.GetCustomAttribute<MessageIdentityAttribute>()?.Alias ?? type.Name;
}
