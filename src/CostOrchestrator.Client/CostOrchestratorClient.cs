using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using Orleans;
using CostOrchestrator.Abstractions.Invocation;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Abstractions.Reports;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Client.Budget;
using CostOrchestrator.Client.Cluster;
using CostOrchestrator.Client.Http;
using CostOrchestrator.Client.Pipelines;
using CostOrchestrator.Client.Registry;
using CostOrchestrator.Client.Reports;
using CostOrchestrator.Client.Security;

namespace CostOrchestrator.Client;

/// <summary>
/// The HTTP client of a CostOrchestrator node, for callers outside the cluster (services inside it use the Orleans
/// client, <c>AddCostOrchestratorClient</c>): the grain interfaces of
/// <c>CostOrchestrator.Abstractions</c> implemented over the node's HTTP API, plus the calls that have no grain
/// (submitting runs, invoking a capability, API keys, cluster membership). Any node of a cluster will do.
/// </summary>
/// <remarks>
/// <para>
/// Expected outcomes are values: a budget denial is a <see cref="ReservationOutcome"/> with a
/// <see cref="ReservationOutcome.Denial"/>, an unknown run, provider or reservation is null. Every other error
/// response becomes a <see cref="CostOrchestratorApiException"/> carrying the problem's code and field.
/// </para>
/// <para>
/// Retries: reads (GET), replacements (PUT), deletions (DELETE) and the POSTs that the node makes idempotent
/// (a reservation with its idempotency key, commit, release, cancel) are tried up to 3 times in total on 429, 502,
/// 503, 504 and connection failures, waiting 100 ms then 200 ms (or the node's <c>Retry-After</c>, up to 10 s).
/// Submitting a run, invoking a capability, creating an API key and PATCHing a provider are sent once: the first
/// attempt may have been carried out even though its answer was lost, and a retry would start (and pay for) a
/// second run or invocation, issue a second key or record a price change twice.
/// </para>
/// <para>The client is thread-safe; create one per node address and share it.</para>
/// </remarks>
public sealed class CostOrchestratorClient : IDisposable
{
    private readonly ApiConnection _connection;

    /// <summary>Creates a client for the node at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The node, e.g. <c>http://127.0.0.1:8080</c>; a path prefix (behind a proxy) is kept.</param>
    /// <param name="token">The admin token or an API key secret, sent as <c>Authorization: Bearer</c>; null for none.</param>
    /// <param name="handler">
    /// The handler to send through (a test server, a proxy, custom TLS); it is not disposed with the client.
    /// Default: a handler with a 10-second connect timeout, owned and disposed by the client.
    /// </param>
    /// <remarks>
    /// The client's own <see cref="HttpClient"/> has no overall timeout, because a submit with <c>wait: true</c>
    /// lasts as long as the run (up to its <c>timeout_seconds</c>): bound calls with their cancellation token.
    /// </remarks>
    public CostOrchestratorClient(Uri baseAddress, string? token, HttpMessageHandler? handler = null)
        : this(CreateHttpClient(handler), baseAddress, ownsHttpClient: true, token, RetryPolicy.Default, TimeProvider.System)
    {
    }

    /// <summary>
    /// Creates a client that sends through <paramref name="httpClient"/> (from <c>IHttpClientFactory</c>, say) to its
    /// <see cref="HttpClient.BaseAddress"/>. The HttpClient is not disposed with the client and is not modified: the
    /// token is added to each request, not to its default headers. Its <see cref="HttpClient.Timeout"/> (100 s unless
    /// changed) also bounds submits with <c>wait: true</c>.
    /// </summary>
    /// <param name="httpClient">An HttpClient whose <see cref="HttpClient.BaseAddress"/> is the node.</param>
    /// <param name="token">The admin token or an API key secret; null when the HttpClient authenticates by itself.</param>
    public CostOrchestratorClient(HttpClient httpClient, string? token = null)
        : this(httpClient ?? throw new ArgumentNullException(nameof(httpClient)),
            httpClient.BaseAddress ?? throw new ArgumentException("The HttpClient needs a BaseAddress (the node's URL).", nameof(httpClient)),
            ownsHttpClient: false, token, RetryPolicy.Default, TimeProvider.System)
    {
    }

    internal CostOrchestratorClient(HttpClient httpClient, Uri baseAddress, bool ownsHttpClient, string? token, RetryPolicy retry, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("The node's address must be absolute, e.g. http://127.0.0.1:8080.", nameof(baseAddress));
        }

        BaseAddress = baseAddress;
        _connection = new ApiConnection(httpClient, baseAddress, ownsHttpClient, token, retry, time);
    }

    /// <summary>The node this client talks to.</summary>
    public Uri BaseAddress { get; }

    /// <summary>
    /// Returns an HTTP reference to a grain: <see cref="IBudgetGovernorGrain"/> keyed by scope (<c>team:media</c>),
    /// <see cref="ICapabilityRegistryGrain"/> keyed by <see cref="ICapabilityRegistryGrain.DefaultKey"/>, or
    /// <see cref="IPipelineRunGrain"/> keyed by a run id. References are cheap and hold no state; nothing is sent until a
    /// method is called.
    /// </summary>
    /// <remarks>
    /// Over HTTP, <see cref="IPipelineRunGrain.StartAsync"/> and <see cref="IPipelineRunGrain.ResumeAsync"/>,
    /// <see cref="ICapabilityRegistryGrain.ReportOutcomeAsync"/> and <see cref="ICapabilityRegistryGrain.CheckHealthAsync"/>
    /// throw <see cref="NotSupportedException"/>: run ids are assigned by the node (submit with
    /// <see cref="SubmitRunAsync(PipelineDefinition, JsonElement?, bool, CancellationToken)"/>), and resumption and health
    /// tracking are the nodes' own work.
    /// </remarks>
    /// <exception cref="ArgumentException">The key is empty, the registry key is not <c>registry</c>, or the interface has no HTTP implementation.</exception>
    public TGrain GetGrain<TGrain>(string key) where TGrain : class, IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        object grain = typeof(TGrain) switch
        {
            var t when t == typeof(IBudgetGovernorGrain) => new HttpBudgetGovernorGrain(_connection, key),
            var t when t == typeof(IPipelineRunGrain) => new HttpPipelineRunGrain(_connection, key),
            var t when t == typeof(ICapabilityRegistryGrain) => key == ICapabilityRegistryGrain.DefaultKey
                ? new HttpCapabilityRegistryGrain(_connection)
                : throw new ArgumentException($"A node has one registry; its key is '{ICapabilityRegistryGrain.DefaultKey}'.", nameof(key)),
            _ => throw new ArgumentException($"{typeof(TGrain).Name} has no HTTP implementation in this client.", nameof(TGrain)),
        };
        return (TGrain)grain;
    }

    /// <summary>
    /// The reservation coordinator (<see cref="IReservationCoordinatorGrain"/>, any key): reserve, commit and release
    /// over <c>/v1/reservations</c>, the same calls a service in the cluster makes through the Orleans client.
    /// </summary>
    /// <exception cref="ArgumentException">The interface has no HTTP implementation.</exception>
    public TGrain GetGrain<TGrain>(long key) where TGrain : class, IGrainWithIntegerKey =>
        typeof(TGrain) == typeof(IReservationCoordinatorGrain)
            ? (TGrain)(object)new HttpReservationCoordinatorGrain(_connection)
            : throw new ArgumentException($"{typeof(TGrain).Name} has no HTTP implementation in this client.", nameof(TGrain));

    /// <summary>Runs a pipeline stored on the node (<c>POST /v1/pipelines/{id}/runs</c>).</summary>
    /// <param name="pipelineId">The stored pipeline's id, e.g. <c>render-social-clip</c>.</param>
    /// <param name="input">The run's input, read by templates as <c>input.*</c>.</param>
    /// <param name="wait">
    /// True to have the node answer when the run is finished or queued; false (default) to get the record as soon as the
    /// run is accepted, then follow it with <c>GetGrain&lt;IPipelineRunGrain&gt;(record.RunId).WaitAsync()</c>.
    /// </param>
    /// <param name="cancellationToken">Cancels the call (not the run: use <see cref="IPipelineRunGrain.CancelAsync"/>).</param>
    /// <returns>The run record; its <see cref="RunRecord.RunId"/> is the id the node assigned.</returns>
    /// <remarks>Sent once, never retried: if the answer is lost, a retry would start, and pay for, a second run.</remarks>
    public Task<RunRecord> SubmitRunAsync(string pipelineId, JsonElement? input = null, bool wait = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pipelineId);
        return _connection.SendAsync<RunRecord>(HttpMethod.Post, $"v1/pipelines/{Uri.EscapeDataString(pipelineId)}/runs",
            RequestBody.Json(new StoredRunBody { Input = input, Wait = wait }), idempotent: false, cancellationToken);
    }

    /// <summary>Runs an inline pipeline definition (<c>POST /v1/runs</c>); the node validates it as it would a stored one.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="input">The run's input, read by templates as <c>input.*</c>.</param>
    /// <param name="wait">True to have the node answer when the run is finished or queued; false (default) to answer at once.</param>
    /// <param name="cancellationToken">Cancels the call (not the run).</param>
    /// <returns>The run record; its <see cref="RunRecord.RunId"/> is the id the node assigned.</returns>
    /// <remarks>Sent once, never retried: if the answer is lost, a retry would start, and pay for, a second run.</remarks>
    public Task<RunRecord> SubmitRunAsync(PipelineDefinition pipeline, JsonElement? input = null, bool wait = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var body = new InlineRunBody { Pipeline = JsonSerializer.SerializeToElement(pipeline, CostOrchestratorJson.Options), Input = input, Wait = wait };
        return _connection.SendAsync<RunRecord>(HttpMethod.Post, "v1/runs", RequestBody.Json(body), idempotent: false, cancellationToken);
    }

    /// <summary>
    /// Forecasts a run of a stored pipeline without running it (<c>POST /v1/pipelines/{id}/explain</c>): per step the
    /// provider the router would choose now and why, expected and worst-case cents, cached items, and whether it fits
    /// the run's budget and every scope's head-room. Nothing is invoked, reserved or charged.
    /// </summary>
    /// <param name="pipelineId">The stored pipeline's id.</param>
    /// <param name="input">The input the run would have, read by templates as <c>input.*</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The forecast; <see cref="PipelineExplanation.Fits"/> false with its reasons when a run would not fit.</returns>
    /// <exception cref="CostOrchestratorApiException"><c>not_found</c> (404), or <c>invalid_pipeline</c> naming the input field at fault (400).</exception>
    /// <remarks>Retried like a read: an explanation changes nothing on the node.</remarks>
    public Task<PipelineExplanation> ExplainAsync(string pipelineId, JsonElement? input = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pipelineId);
        return _connection.SendAsync<PipelineExplanation>(HttpMethod.Post, $"v1/pipelines/{Uri.EscapeDataString(pipelineId)}/explain",
            RequestBody.Json(new StoredRunBody { Input = input }), idempotent: true, cancellationToken);
    }

    /// <summary>
    /// Forecasts a run of an inline pipeline definition without running it (<c>POST /v1/explain</c>); the node validates
    /// the pipeline as it would for a run.
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="input">The input the run would have, read by templates as <c>input.*</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The forecast; <see cref="PipelineExplanation.Fits"/> false with its reasons when a run would not fit.</returns>
    /// <exception cref="CostOrchestratorApiException"><c>invalid_pipeline</c> naming every field at fault (400).</exception>
    /// <remarks>Retried like a read: an explanation changes nothing on the node.</remarks>
    public Task<PipelineExplanation> ExplainAsync(PipelineDefinition pipeline, JsonElement? input = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var body = new InlineRunBody { Pipeline = JsonSerializer.SerializeToElement(pipeline, CostOrchestratorJson.Options), Input = input };
        return _connection.SendAsync<PipelineExplanation>(HttpMethod.Post, "v1/explain", RequestBody.Json(body), idempotent: true, cancellationToken);
    }

    /// <summary>Lists runs the caller may see, newest first (<c>GET /v1/runs</c>).</summary>
    /// <param name="pipelineId">Only this pipeline's runs.</param>
    /// <param name="status">Only runs in this status.</param>
    /// <param name="limit">At most this many (1..500). Default: 50.</param>
    /// <param name="offset">Skip this many. Default: 0.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<IReadOnlyList<RunSummary>> ListRunsAsync(string? pipelineId = null, RunStatus? status = null, int? limit = null, int? offset = null,
        CancellationToken cancellationToken = default)
    {
        var query = new List<string>(4);
        if (pipelineId is not null)
        {
            query.Add("pipeline=" + Uri.EscapeDataString(pipelineId));
        }

        if (status is { } s)
        {
            query.Add("status=" + WireName(s));
        }

        if (limit is { } l)
        {
            query.Add("limit=" + l.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (offset is { } o)
        {
            query.Add("offset=" + o.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var path = query.Count == 0 ? "v1/runs" : "v1/runs?" + string.Join('&', query);
        return _connection.SendAsync<IReadOnlyList<RunSummary>>(HttpMethod.Get, path, null, idempotent: true, cancellationToken);
    }

    /// <summary>
    /// Invokes a capability once, routed to the cheapest provider that meets the request and charged to its scopes
    /// (<c>POST /v1/capabilities/{capability}/invoke</c>).
    /// </summary>
    /// <param name="capability">The capability, e.g. <c>llm-chat</c>.</param>
    /// <param name="request">Inputs, caps and routing preferences.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The provider's output with its cost metadata.</returns>
    /// <exception cref="CostOrchestratorApiException">
    /// The invocation was refused or failed, with nothing charged for a refusal: <c>budget_exceeded</c> (402),
    /// <c>no_provider</c> (503), <c>provider_failed</c> (502), <c>unknown_capability</c> (404), or a bad request (400).
    /// </exception>
    /// <remarks>Sent once, never retried: a lost answer may hide a provider call that was made and paid for.</remarks>
    public Task<InvocationResult> InvokeAsync(string capability, InvokeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(capability);
        ArgumentNullException.ThrowIfNull(request);
        return _connection.SendAsync<InvocationResult>(HttpMethod.Post, $"v1/capabilities/{Uri.EscapeDataString(capability)}/invoke",
            RequestBody.Json(request), idempotent: false, cancellationToken);
    }

    /// <summary>Stores (adds or replaces) a pipeline under <paramref name="id"/> (<c>PUT /v1/pipelines/{id}</c>, admin token).</summary>
    /// <param name="id">The pipeline id; must match the document's <c>id</c>.</param>
    /// <param name="document">The pipeline in JSON or in the short YAML form.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The pipeline as the node parsed it.</returns>
    /// <exception cref="CostOrchestratorApiException"><c>invalid_pipeline</c> naming every field at fault.</exception>
    public Task<PipelineDefinition> PutPipelineAsync(string id, string document, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(document);
        var mediaType = document.TrimStart().StartsWith('{') ? "application/json" : "application/yaml";
        return _connection.SendAsync<PipelineDefinition>(HttpMethod.Put, "v1/pipelines/" + Uri.EscapeDataString(id),
            RequestBody.Text(document, mediaType), idempotent: true, cancellationToken);
    }

    /// <summary>A stored pipeline, or null when there is none with that id (<c>GET /v1/pipelines/{id}</c>).</summary>
    /// <param name="id">The pipeline id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<PipelineDefinition?> GetPipelineAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return _connection.SendOrNotFoundAsync<PipelineDefinition>(HttpMethod.Get, "v1/pipelines/" + Uri.EscapeDataString(id), null, idempotent: true, cancellationToken);
    }

    /// <summary>Creates an API key bound to scopes (<c>POST /v1/keys</c>, admin token).</summary>
    /// <param name="name">A label for humans.</param>
    /// <param name="scopes">The <c>kind:value</c> scopes the key may read and charge (not <c>global</c>), e.g. <c>team:media</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key and its secret, which the node does not keep.</returns>
    /// <remarks>Sent once, never retried: a lost answer would leave a key whose secret nobody has, and a retry a second one.</remarks>
    public Task<CreatedApiKey> CreateApiKeyAsync(string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(scopes);
        return _connection.SendAsync<CreatedApiKey>(HttpMethod.Post, "v1/keys", RequestBody.Json(new KeyBody { Name = name, Scopes = scopes }), idempotent: false, cancellationToken);
    }

    /// <summary>Every budget the caller may read, tightest first (<c>GET /v1/budgets</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Each scope with its windows.</returns>
    public Task<IReadOnlyList<ScopeBudget>> ListBudgetsAsync(CancellationToken cancellationToken = default) =>
        _connection.SendAsync<IReadOnlyList<ScopeBudget>>(HttpMethod.Get, "v1/budgets", null, idempotent: true, cancellationToken);

    /// <summary>
    /// The ledger summed per time bucket and per capability, provider, scope or pipeline (<c>GET /v1/reports/spend</c>):
    /// what was spent and saved; per provider also what was estimated (estimated vs actual); per pipeline also its runs by
    /// outcome and the cost per successful run. The caller sees the entries and runs of the scopes it may read.
    /// </summary>
    /// <param name="groupBy">What a row sums. Default: per capability.</param>
    /// <param name="bucket">Hourly or daily rows, in the node's budget time zone. Default: hourly.</param>
    /// <param name="from">Start of the range (inclusive). Default: 24 hours (hourly) or 30 days (daily) before <paramref name="to"/>.</param>
    /// <param name="to">End of the range (exclusive). Default: now.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="CostOrchestratorApiException"><c>invalid_request</c> naming <c>from</c> when the range is empty or too long (400).</exception>
    public async Task<SpendReportResult> GetSpendReportAsync(SpendGrouping groupBy = SpendGrouping.Capability, SpendBucket bucket = SpendBucket.Hour,
        DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
    {
        var path = SpendReportPath(groupBy, bucket, from, to, csv: false);
        using var response = await _connection.SendAsync(HttpMethod.Get, path, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        var rows = await ApiConnection.ReadAsync<IReadOnlyList<SpendReportRow>>(HttpMethod.Get, path, response, cancellationToken).ConfigureAwait(false);
        return new SpendReportResult { Rows = rows, Truncated = IsTruncated(response) };
    }

    /// <summary>The same report as <see cref="GetSpendReportAsync"/>, in the node's CSV (<c>format=csv</c>).</summary>
    /// <param name="groupBy">What a row sums. Default: per capability.</param>
    /// <param name="bucket">Hourly or daily rows, in the node's budget time zone. Default: hourly.</param>
    /// <param name="from">Start of the range (inclusive). Default: 24 hours (hourly) or 30 days (daily) before <paramref name="to"/>.</param>
    /// <param name="to">End of the range (exclusive). Default: now.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="CostOrchestratorApiException"><c>invalid_request</c> naming <c>from</c> when the range is empty or too long (400).</exception>
    public async Task<SpendReportCsvResult> GetSpendReportCsvAsync(SpendGrouping groupBy = SpendGrouping.Capability, SpendBucket bucket = SpendBucket.Hour,
        DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
    {
        var path = SpendReportPath(groupBy, bucket, from, to, csv: true);
        using var response = await _connection.SendAsync(HttpMethod.Get, path, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        var csv = await ApiConnection.ReadTextAsync(HttpMethod.Get, path, response, cancellationToken).ConfigureAwait(false);
        return new SpendReportCsvResult { Csv = csv, Truncated = IsTruncated(response) };
    }

    /// <summary>The cluster's nodes as the answering node sees them (<c>GET /v1/cluster/nodes</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<ClusterMembership> GetNodesAsync(CancellationToken cancellationToken = default) =>
        _connection.SendAsync<ClusterMembership>(HttpMethod.Get, "v1/cluster/nodes", null, idempotent: true, cancellationToken);

    /// <summary>Releases the HttpClient the client created (not one passed in, nor a handler passed in).</summary>
    public void Dispose() => _connection.Dispose();

    private static string SpendReportPath(SpendGrouping groupBy, SpendBucket bucket, DateTimeOffset? from, DateTimeOffset? to, bool csv)
    {
        var query = new List<string>(5) { "group_by=" + WireName(groupBy), "bucket=" + WireName(bucket) };
        if (from is { } start)
        {
            query.Add("from=" + Uri.EscapeDataString(start.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (to is { } end)
        {
            query.Add("to=" + Uri.EscapeDataString(end.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (csv)
        {
            query.Add("format=csv");
        }

        return "v1/reports/spend?" + string.Join('&', query);
    }

    private static bool IsTruncated(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Report-Truncated", out var values) && values.Contains("true", StringComparer.OrdinalIgnoreCase);

    // An enum value as the API spells it in a query string, as in its JSON (budget_rejected, not BudgetRejected).
    private static string WireName<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value, CostOrchestratorJson.Options).Trim('"');

    private static HttpClient CreateHttpClient(HttpMessageHandler? handler) =>
        new(handler ?? new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: handler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    /// <summary>The body of <c>POST /v1/pipelines/{id}/runs</c>.</summary>
    private sealed record StoredRunBody
    {
        public JsonElement? Input { get; init; }

        public bool Wait { get; init; }
    }

    /// <summary>The body of <c>POST /v1/runs</c>.</summary>
    private sealed record InlineRunBody
    {
        public required JsonElement Pipeline { get; init; }

        public JsonElement? Input { get; init; }

        public bool Wait { get; init; }
    }

    /// <summary>The body of <c>POST /v1/keys</c>.</summary>
    private sealed record KeyBody
    {
        public required string Name { get; init; }

        public required IReadOnlyList<string> Scopes { get; init; }
    }
}
