using System.Net;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Client.Http;

namespace CostOrchestrator.Client.Budget;

/// <summary><see cref="IReservationCoordinatorGrain"/> over HTTP: <c>/v1/reservations</c>.</summary>
internal sealed class HttpReservationCoordinatorGrain(ApiConnection connection) : IReservationCoordinatorGrain
{
    public async Task<ReservationOutcome> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        const string path = "v1/reservations";

        // Safe to retry: a repeated request with the same idempotency key returns the first reservation.
        using var response = await connection.SendAsync(HttpMethod.Post, path, RequestBody.Json(request), idempotent: true, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.PaymentRequired)
        {
            var problem = await Problem.ReadAsync(response, cancellationToken).ConfigureAwait(false);
            return problem.ToDenial() is { } denial
                ? new ReservationOutcome { Denial = denial }
                : throw problem.ToException(ApiConnection.Describe(HttpMethod.Post, path));
        }

        return new ReservationOutcome { Reservation = await ApiConnection.ReadAsync<Reservation>(HttpMethod.Post, path, response, cancellationToken).ConfigureAwait(false) };
    }

    public Task<Reservation?> CommitAsync(string reservationId, decimal actualCents, TokenCounts? tokens = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reservationId);
        return connection.SendOrNotFoundAsync<Reservation>(HttpMethod.Post, ReservationPath(reservationId, "commit"),
            RequestBody.Json(new CommitBody { ActualCents = actualCents, Tokens = tokens }), idempotent: true, cancellationToken);
    }

    /// <summary>Journaling a step is the nodes' own work: not available over HTTP.</summary>
    public Task<Reservation?> CommitStepAsync(string reservationId, decimal actualCents, TokenCounts? tokens, JournalEntry journal, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Steps are journaled by the node that runs them.");

    public Task<Reservation?> ReleaseAsync(string reservationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reservationId);
        return connection.SendOrNotFoundAsync<Reservation>(HttpMethod.Post, ReservationPath(reservationId, "release"), null, idempotent: true, cancellationToken);
    }

    private static string ReservationPath(string reservationId, string action) => $"v1/reservations/{Uri.EscapeDataString(reservationId)}/{action}";

    /// <summary>The body of <c>PUT /v1/budgets/{scope}</c>: the scope is in the path.</summary>
    private sealed record CommitBody
    {
        public required decimal ActualCents { get; init; }

        public TokenCounts? Tokens { get; init; }
    }
}
