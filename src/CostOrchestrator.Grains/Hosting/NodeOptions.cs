namespace CostOrchestrator.Grains.Hosting;

/// <summary>Settings of one node's domain (budgets, runs, providers); how the silo clusters is <see cref="SiloSettings"/>.</summary>
public sealed record NodeOptions
{
    /// <summary>This node's id (logs, the silo's name). Default: host name and process id.</summary>
    public string NodeId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Where the embedded store and artifacts live. Default: ./data.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>The time zone budget windows and subscription quota months are aligned to. Default: UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>How long a reservation lives before it is settled conservatively. Default: 15 minutes.</summary>
    public TimeSpan ReservationTtl { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How often expired reservations are settled. Default: 30 seconds.</summary>
    public TimeSpan SettleInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long cached policies may be stale before a re-read. Default: 1 second.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive failures that open a provider's circuit breaker. Default: 3.</summary>
    public int BreakerFailureThreshold { get; init; } = 3;

    /// <summary>How long an open breaker keeps a provider down before a trial call. Default: 30 seconds.</summary>
    public TimeSpan BreakerCooldown { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often active health checks run. Default: 60 seconds.</summary>
    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Cache TTL per capability; 0 means forever. Capabilities not listed use <see cref="DefaultCacheTtl"/>.</summary>
    public IReadOnlyDictionary<string, TimeSpan> CacheTtl { get; init; } = new Dictionary<string, TimeSpan>
    {
        ["tts-generate"] = TimeSpan.Zero,
        ["stock-search"] = TimeSpan.FromHours(24),
        ["ai-video-generate"] = TimeSpan.Zero,
        ["ffmpeg-render"] = TimeSpan.FromHours(1),
    };

    /// <summary>Cache TTL of capabilities not listed. Default: 24 hours.</summary>
    public TimeSpan DefaultCacheTtl { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Per-run cost limits by pipeline id, for pipelines that declare no <c>budget</c>.</summary>
    public IReadOnlyDictionary<string, decimal> PipelineRunLimits { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Most reservations, or commits, written in one group-commit transaction. Default: 64.</summary>
    public int WriteBatchSize { get; init; } = 64;

    /// <summary>Group-commit writers per node for each kind of write (transactions in flight at once). Default: 2.</summary>
    public int BatchWriters { get; init; } = 2;

    /// <summary>
    /// Budget slices: head-room a silo leases from a chain's governors and spends down locally (no grain call or store
    /// write per call; the calls' ledger rows are written in batches). Default: on, up to 100¢ per slice, for 2 seconds.
    /// </summary>
    public Core.Budget.SliceOptions Slices { get; init; } = new();

    /// <summary>Run background loops (settling expired reservations, health checks). Tests drive them by hand. Default: true.</summary>
    public bool RunBackgroundLoops { get; init; } = true;

    /// <summary>The artifacts directory under the data directory.</summary>
    public string ArtifactDirectory => Path.Combine(DataDirectory, "artifacts");
}
