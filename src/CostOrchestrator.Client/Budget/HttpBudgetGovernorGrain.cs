using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Client.Http;

namespace CostOrchestrator.Client.Budget;

/// <summary>
/// <see cref="IBudgetGovernorGrain"/> over HTTP. The key is the scope read and configured by
/// <see cref="GetBudgetAsync"/> and <see cref="SetPolicyAsync"/>; reservations go through
/// <see cref="HttpReservationCoordinatorGrain"/>.
/// </summary>
internal sealed class HttpBudgetGovernorGrain(ApiConnection connection, string scope) : IBudgetGovernorGrain
{
    private string ScopePath => "v1/budgets/" + Uri.EscapeDataString(scope);

    public Task<ScopeBudget> GetBudgetAsync(CancellationToken cancellationToken = default) =>
        connection.SendAsync<ScopeBudget>(HttpMethod.Get, ScopePath, null, idempotent: true, cancellationToken);

    public Task<ScopeBudget> SetPolicyAsync(BudgetPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Scope != scope)
        {
            // Same rule as the in-process governor: a policy is only ever applied to its own scope.
            throw new ArgumentException($"Policy for {policy.Scope} sent to the governor of {scope}.", nameof(policy));
        }

        var body = new PolicyBody { Windows = policy.Windows, Thresholds = policy.Thresholds, OverdraftCents = policy.OverdraftCents };
        return connection.SendAsync<ScopeBudget>(HttpMethod.Put, ScopePath, RequestBody.Json(body), idempotent: true, cancellationToken);
    }

    private sealed record PolicyBody
    {
        public required IReadOnlyList<BudgetWindowLimit> Windows { get; init; }

        public BudgetThresholds? Thresholds { get; init; }

        public decimal OverdraftCents { get; init; }
    }
}
