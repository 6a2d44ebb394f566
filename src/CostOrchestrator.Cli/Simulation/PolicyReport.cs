using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Routing;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>
/// What one policy cost and delivered, read from its run records; <see cref="Ledger"/> holds the same totals as the
/// ledger charged them, which must agree (<see cref="Disagreements"/>).
/// </summary>
internal sealed record PolicyReport
{
    public required string Policy { get; init; }

    /// <summary>Runs submitted.</summary>
    public required int Runs { get; init; }

    /// <summary>What every run was charged, summed.</summary>
    public required decimal BillCents { get; init; }

    /// <summary>The bill in dollars, to the cent.</summary>
    public decimal BillDollars => decimal.Round(BillCents / 100m, 2, MidpointRounding.AwayFromZero);

    /// <summary>Runs that succeeded (every required step done).</summary>
    public required int Completed { get; init; }

    /// <summary>Completed runs a budget changed: a step skipped, or routed by <c>fallback: degrade</c> or the degradation curve.</summary>
    public required int Degraded { get; init; }

    /// <summary>Results (a step's, or a fan-out item's; cached ones too) from a provider below the quality floor the pipeline as written asks for.</summary>
    public required int BelowQualityFloor { get; init; }

    public required int BudgetRejected { get; init; }

    /// <summary>Runs still parked by <c>fallback: queue</c> when the period ended.</summary>
    public required int QueuedAtEnd { get; init; }

    /// <summary>Runs that failed for other reasons (a provider, a limit, an input).</summary>
    public required int Failed { get; init; }

    public required int CacheHits { get; init; }

    public required decimal SavedByCacheCents { get; init; }

    /// <summary>Times a budget said no: a run refused, a run parked (each time), a step skipped or degraded.</summary>
    public required int BudgetRefusals { get; init; }

    /// <summary>Refused runs by the scope or limit that refused them.</summary>
    public required IReadOnlyDictionary<string, int> RefusedBy { get; init; }

    /// <summary>The bill divided by the completed runs; null when none completed.</summary>
    public decimal? CostPerCompletedRunCents => Completed == 0 ? null : decimal.Round(BillCents / Completed, 6);

    public required IReadOnlyDictionary<string, decimal> SpendByCapability { get; init; }

    public required LedgerTotals Ledger { get; init; }

    public static PolicyReport From(PolicyRun run, Workload workload)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(workload);
        var records = run.Runs.Select(r => r.Record).ToList();
        var unfinished = records.Where(r => r.Status is RunStatus.Pending or RunStatus.Running).Select(r => r.RunId).ToList();
        if (unfinished.Count > 0)
        {
            throw new InvalidOperationException($"{unfinished.Count} run(s) were still executing when the simulation ended: {string.Join(", ", unfinished)}");
        }

        var quality = workload.Registry.ToDictionary(p => p.ProviderId, p => p.Quality, StringComparer.Ordinal);
        var completed = records.Where(r => r.Status == RunStatus.Succeeded).ToList();
        var rejected = records.Where(r => r.Status == RunStatus.BudgetRejected).ToList();
        var degradedSteps = records.Sum(r => r.Steps.Count(DegradedByBudget));
        return new PolicyReport
        {
            Policy = run.Policy.Name(),
            Runs = records.Count,
            BillCents = records.Sum(r => r.TotalCostCents),
            Completed = completed.Count,
            Degraded = completed.Count(r => r.Steps.Any(DegradedByBudget)),
            BelowQualityFloor = run.Runs.Sum(r => BelowFloor(r, workload.Work[r.WorkIndex].Pipeline, quality)),
            BudgetRejected = rejected.Count,
            QueuedAtEnd = records.Count(r => r.Status == RunStatus.Queued),
            Failed = records.Count(r => r.Status is RunStatus.Failed or RunStatus.Cancelled),
            CacheHits = records.Sum(r => r.CacheHits),
            SavedByCacheCents = records.Sum(r => r.SavedByCacheCents),
            // Resumes count resumptions from the queue: a simulation's node never dies, the other reason a run resumes.
            BudgetRefusals = rejected.Count + records.Sum(r => r.Resumes + (r.Status == RunStatus.Queued ? 1 : 0)) + degradedSteps,
            RefusedBy = new SortedDictionary<string, int>(rejected.GroupBy(RefuserOf).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal),
            SpendByCapability = new SortedDictionary<string, decimal>(records.SelectMany(r => r.CostByCapability).GroupBy(c => c.Key)
                .ToDictionary(g => g.Key, g => g.Sum(c => c.Value)), StringComparer.Ordinal),
            Ledger = new LedgerTotals
            {
                ChargedCents = run.Ledger.Sum(e => e.ActualCents),
                SavedByCacheCents = run.Ledger.Sum(e => e.SavedCents),
                CacheHits = run.Ledger.Count(e => e.CacheHit),
            },
        };
    }

    /// <summary>Where the run records and the ledger disagree; empty when every total matches.</summary>
    public IReadOnlyList<string> Disagreements()
    {
        var found = new List<string>();
        if (BillCents != Ledger.ChargedCents)
        {
            found.Add($"{Policy}: the run records were charged {BillCents}¢, the ledger {Ledger.ChargedCents}¢");
        }

        if (SavedByCacheCents != Ledger.SavedByCacheCents)
        {
            found.Add($"{Policy}: the run records saved {SavedByCacheCents}¢ by cache, the ledger {Ledger.SavedByCacheCents}¢");
        }

        if (CacheHits != Ledger.CacheHits)
        {
            found.Add($"{Policy}: the run records have {CacheHits} cache hit(s), the ledger {Ledger.CacheHits}");
        }

        return found;
    }

    // The router notes each budget override it applies (Router.Route); the note is all a run record keeps of it.
    private static bool DegradedByBudget(StepRecord step) =>
        step.Status == StepStatus.Skipped
        || step.Decision?.Notes.Any(n => n.StartsWith("fallback degrade", StringComparison.Ordinal)
            || n.StartsWith("warn on ", StringComparison.Ordinal)
            || n.StartsWith("constrained on ", StringComparison.Ordinal)
            || n.StartsWith("exhausted on ", StringComparison.Ordinal)) == true;

    // The floor is the one the pipeline as written asks for, whatever the policy ran: that is what cheapest gives up.
    private static int BelowFloor(SimulatedRun run, PipelineDefinition asWritten, Dictionary<string, int> quality)
    {
        var below = 0;
        for (var i = 0; i < run.Record.Steps.Count && i < asWritten.Steps.Count; i++)
        {
            var floor = Router.QualityFor(asWritten.Steps[i].Invoke.Complexity, asWritten.Steps[i].Invoke.MinQuality);
            below += run.Record.Steps[i].Invocations.Count(v => v.ProviderId is { } id && quality.GetValueOrDefault(id, int.MaxValue) < floor);
        }

        return below;
    }

    private static string RefuserOf(RunRecord run) => run.Error switch
    {
        { Denial.Scope: { } scope } => scope,
        { Scope: { } scope } => scope,
        { Field: { } field } when field.EndsWith("budget_cents", StringComparison.Ordinal) => "step budget_cents",
        { Field: "budget.limit_cents" } => "run budget",
        _ => "budget",
    };
}

/// <summary>Totals as the ledger charged them.</summary>
internal sealed record LedgerTotals
{
    public required decimal ChargedCents { get; init; }

    public required decimal SavedByCacheCents { get; init; }

    public required int CacheHits { get; init; }
}
