using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Grains.Invocation;

/// <summary>What one invocation came to: a result, a budget block (for <c>fallback: queue</c>) or an error.</summary>
public sealed record InvocationOutcome
{
    /// <summary>The invocation's record (cost, provider, attempts); present on success.</summary>
    public InvocationRecord? Record { get; init; }

    /// <summary>The output on success.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>The routing explanation.</summary>
    public RoutingDecision? Decision { get; init; }

    /// <summary>Why it failed.</summary>
    public RunError? Error { get; init; }

    /// <summary>True when nothing fitted the budget and the fallback is <c>queue</c>.</summary>
    public bool Queued { get; init; }

    /// <summary>True when nothing fitted, the fallback is <c>degrade</c> and the step may be skipped.</summary>
    public bool NothingFitted { get; init; }

    /// <summary>Retries spent.</summary>
    public int RetriesUsed { get; init; }

    /// <summary>True on success.</summary>
    public bool Succeeded => Record is not null && Error is null;

    /// <summary>True when the journal entry was written with the charge; the run must not write it again.</summary>
    public bool Journaled { get; init; }
}
