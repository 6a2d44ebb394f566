namespace CostOrchestrator.Server.Hosting;

/// <summary>How a node is started (DESIGN.md §5 "Starting a node"), read from flags, environment and configuration.</summary>
public sealed record ServerOptions
{
    /// <summary>Where the embedded store lives. Default: ./data.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Storage { get; init; } = "sqlite";

    /// <summary>PostgreSQL connection string (flag <c>--postgres</c> or env <c>COSTORCH_POSTGRES</c>).</summary>
    public string? Postgres { get; init; }

    /// <summary>Profile that seeds an empty store. Default: the sample profile in silo-config/.</summary>
    public string? Config { get; init; }

    /// <summary>This node's id. Default: host name and port.</summary>
    public string? NodeId { get; init; }

    /// <summary>The admin token (env <c>COSTORCH_ADMIN_TOKEN</c>); without it admin routes refuse.</summary>
    public string? AdminToken { get; init; }

    /// <summary>The largest request body accepted, in bytes. Default: 1 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 1 << 20;

    /// <summary>Every problem with the options, all at once.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Storage is not ("sqlite" or "postgres"))
        {
            errors.Add($"--storage: '{Storage}' is not sqlite or postgres");
        }

        if (Storage == "postgres" && string.IsNullOrWhiteSpace(Postgres))
        {
            errors.Add("--postgres: a connection string is required with --storage postgres (or set COSTORCH_POSTGRES)");
        }

        if (Config is not null && !File.Exists(Config))
        {
            errors.Add($"--config: '{Config}' not found");
        }

        if (AdminToken is { Length: > 0 and < 16 })
        {
            errors.Add("COSTORCH_ADMIN_TOKEN: must be at least 16 characters");
        }

        return errors;
    }
}
