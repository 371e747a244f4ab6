using Npgsql;

namespace Waardecheque.Payments.Sandbox;

/// <summary>One API request being worked on: its checked parameters and the transaction its changes go into.</summary>
internal sealed record ApiCall(
    StripeForm Form,
    NpgsqlConnection Connection,
    NpgsqlTransaction Transaction,
    string RequestId,
    string? IdempotencyKey,
    DateTimeOffset Now,
    string SandboxBaseUrl,
    string? Id);
