namespace Waardecheque.ReadModels.Integrity;

/// <summary>
/// The outcome of <see cref="IntegrityVerifier.VerifyAsync"/>. <see cref="FirstBrokenSeq"/> is the lowest seq_id whose
/// hash, version or stream head does not check out; it stays null (with Valid false) only when a stream head claims
/// events that are not in the log at all.
/// </summary>
public sealed record IntegrityReport(long Events, long Streams, bool Valid, long? FirstBrokenSeq, Checkpoint Checkpoint);

/// <summary>
/// The publishable value: <see cref="Hash"/> (SHA-256, lowercase hex) over every stream head up to <see cref="Seq"/>,
/// see <see cref="EventHash.Checkpoint"/>. <see cref="At"/> is when it was computed.
/// </summary>
public sealed record Checkpoint(long Seq, string Hash, DateTimeOffset At);
