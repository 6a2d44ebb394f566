namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>The stable <see cref="RunError.Code"/>s a run, a step or one invocation ends with.</summary>
public static class RunErrorCodes
{
    /// <summary>A budget (a scope's window, a run's or a step's own limit) refused the reservation.</summary>
    public const string BudgetExceeded = "budget_exceeded";

    /// <summary>No registered provider for the capability was a candidate (down, over quota, too expensive, filtered).</summary>
    public const string NoProvider = "no_provider";

    /// <summary>Every candidate was tried and failed.</summary>
    public const string ProviderFailed = "provider_failed";

    /// <summary>A pipeline limit (timeout, steps, tokens, fan-out) was reached.</summary>
    public const string LimitExceeded = "limit_exceeded";

    /// <summary>A step's inputs or <c>for_each</c> did not resolve against the run's data.</summary>
    public const string InvalidInput = "invalid_input";

    /// <summary>A caller cancelled the run.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>
    /// How a failed invocation is reported to a caller (REST or gateway): refused by a budget, no provider, or else
    /// every provider failed (a run's own codes, such as a limit, do not arise for one invocation).
    /// </summary>
    public static string OfInvocation(string code) => code is BudgetExceeded or NoProvider ? code : ProviderFailed;
}
