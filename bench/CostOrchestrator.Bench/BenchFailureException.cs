namespace CostOrchestrator.Bench;

/// <summary>
/// A figure that cannot be reported: a reservation refused under a limit it could not reach, a run that did not
/// succeed. The bench stops and exits non-zero, as it does when a ledger check fails.
/// </summary>
internal sealed class BenchFailureException(string message) : Exception(message);
