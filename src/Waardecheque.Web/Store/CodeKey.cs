using System.Text;
using Waardecheque.Domain.Cheques;
using Waardecheque.Web.Hosting;

namespace Waardecheque.Web.Store;

/// <summary>
/// The server secret every cheque code is derived from (<see cref="ChequeCode.Derive"/>) and looked up with
/// (<see cref="CodeLookup"/>). Required: <see cref="RequiredSettings"/> refuses to start the app without it, because
/// an app that starts without it can neither print a letter nor let a resident in, and would only say so later.
/// The same value on every app process, never changed while letters are out (docs/operations.md).
/// </summary>
public sealed class CodeKey
{
    /// <summary>32 characters: with a random key of letters and digits that is well over 128 bits.</summary>
    public const int MinimumLength = 32;

    public CodeKey(IConfiguration config)
    {
        var key = config[WebConfig.CodeKey];
        if (Problem(key) is { } problem) throw new InvalidOperationException(problem);
        Bytes = Encoding.UTF8.GetBytes(key!);
        Lookup = new CodeLookup(Bytes);
    }

    public byte[] Bytes { get; }

    /// <summary>What rm_cheques stores and a typed code is looked up by.</summary>
    public CodeLookup Lookup { get; }

    /// <summary>Why a configured value cannot be used (naming the setting and how to set it; never the value), or null.</summary>
    public static string? Problem(string? key)
    {
        var what = string.IsNullOrEmpty(key) ? "is not set"
            : key.Length < MinimumLength ? $"has {key.Length} characters, fewer than the {MinimumLength} it needs"
            : null;
        return what is null ? null
            : $"{WebConfig.CodeKey} {what}, so the app does not start: cheque codes are derived from it and looked up with it. " +
              $"Set the same secret on every app process, e.g. the environment variable {WebConfig.CodeKey.Replace(":", "__")} " +
              "(see docs/operations.md).";
    }
}
