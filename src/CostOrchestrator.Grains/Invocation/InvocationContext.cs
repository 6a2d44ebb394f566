using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Grains.Invocation;

/// <summary>One invocation of a capability with its budget, policy and attribution.</summary>
public sealed record InvocationContext
{
    /// <summary>The capability.</summary>
    public required string Capability { get; init; }

    /// <summary>Rendered inputs.</summary>
    public required JsonElement Inputs { get; init; }

    /// <summary>Per-invocation cap.</summary>
    public decimal? StepBudgetCents { get; init; }

    /// <summary>Routing preference.</summary>
    public RoutePreference Prefer { get; init; } = RoutePreference.Cheapest;

    /// <summary>What to do when nothing fits.</summary>
    public FallbackPolicy Fallback { get; init; } = FallbackPolicy.Reject;

    /// <summary>Priority.</summary>
    public Priority Priority { get; init; } = Priority.Normal;

    /// <summary>Minimum quality.</summary>
    public int MinQuality { get; init; } = 1;

    /// <summary>Move to a higher quality on failure.</summary>
    public bool Escalate { get; init; }

    /// <summary>Retries per provider before the next one.</summary>
    public int RetriesPerProvider { get; init; } = 1;

    /// <summary>Per-call timeout.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Use the cache.</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Organisational scopes.</summary>
    public PipelineScopes? Scopes { get; init; }

    /// <summary>The pipeline.</summary>
    public string? PipelineId { get; init; }

    /// <summary>The run.</summary>
    public string? RunId { get; init; }

    /// <summary>The step.</summary>
    public string? Step { get; init; }

    /// <summary>The fan-out item.</summary>
    public int Item { get; init; }

    /// <summary>
    /// The step's index in the run's pipeline. With <see cref="RunId"/>, a paid invocation's journal entry is written
    /// in the same transaction as its charge (<see cref="InvocationOutcome.Journaled"/>).
    /// </summary>
    public int? StepIndex { get; init; }

    /// <summary>What remains of the run's cost budget.</summary>
    public decimal? RunRemainingCents { get; init; }

    /// <summary>Unique per invocation attempt series: run/step/item/generation, or the caller's key.</summary>
    public required string IdempotencyPrefix { get; init; }

    /// <summary>
    /// The call may be decided inside a budget slice (<see cref="Budget.BudgetSlices"/>) instead of by the governors: its
    /// reservation is nobody's to replay (no caller's idempotency key, not a run's step). Its ledger row is then written
    /// in the slice's next batch, within a fraction of a second, rather than before the answer.
    /// </summary>
    public bool MayUseSlice { get; init; }

    /// <summary>Only these providers may serve (a gateway caller naming a model); null means any.</summary>
    public IReadOnlyCollection<string>? OnlyProviders { get; init; }

    /// <summary>Asked before each retry; false when the run's retry budget is spent.</summary>
    public Func<bool> TryTakeRetry { get; init; } = static () => true;

    /// <summary>The reservation this item's fan-out made for it ahead (its first attempt uses it), if any.</summary>
    public HeldReservation? HeldAhead { get; init; }
}
