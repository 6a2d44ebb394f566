namespace CostOrchestrator.Server.Hosting;

/// <summary>How a node is started, read from flags, environment and configuration.</summary>
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

    /// <summary>Orleans silo-to-silo port (flag <c>--silo-port</c>). Default: a free port.</summary>
    public string? SiloPort { get; init; }

    /// <summary>Orleans gateway port for Orleans clients (flag <c>--gateway-port</c>). Default: a free port.</summary>
    public string? GatewayPort { get; init; }

    /// <summary>Orleans cluster id (flag <c>--cluster-id</c>). Default: <c>costorch</c>.</summary>
    public string? ClusterId { get; init; }

    /// <summary>Orleans service id (flag <c>--service-id</c>). Default: <c>costorch</c>.</summary>
    public string? ServiceId { get; init; }

    /// <summary>Most PostgreSQL connections per pool of this node (flag <c>--postgres-pool-size</c>). Default: 20.</summary>
    public string? PostgresPoolSize { get; init; }

    /// <summary>
    /// Budget slices on the gateway path (flag <c>--budget-slices on|off</c>). Default: on. Off: every call is decided by
    /// the governors and written before its answer.
    /// </summary>
    public string? BudgetSlices { get; init; }

    /// <summary>The largest budget slice in cents (flag <c>--slice-max-cents</c>). Default: 100.</summary>
    public string? SliceMaxCents { get; init; }

    /// <summary>Budget slice settings from the flags.</summary>
    public Core.Budget.SliceOptions Slices
    {
        get
        {
            var defaults = new Core.Budget.SliceOptions();
            return defaults with
            {
                Enabled = BudgetSlices is null ? defaults.Enabled : BudgetSlices == "on",
                MaxCents = decimal.TryParse(SliceMaxCents, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var max) ? max : defaults.MaxCents,
            };
        }
    }

    /// <summary>The silo port as a number (0: a free port).</summary>
    public int SiloPortNumber => ParsePort(SiloPort) ?? 0;

    /// <summary>The gateway port as a number (0: a free port).</summary>
    public int GatewayPortNumber => ParsePort(GatewayPort) ?? 0;

    /// <summary>The pool size as a number.</summary>
    public int PoolSize => int.TryParse(PostgresPoolSize, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size) ? size : 20;

    /// <summary>The admin token (env <c>COSTORCH_ADMIN_TOKEN</c>); without it admin routes refuse.</summary>
    public string? AdminToken { get; init; }

    /// <summary>
    /// Where to send traces and metrics over OTLP (env <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, OpenTelemetry's own variable;
    /// the exporter also reads <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> and <c>OTEL_EXPORTER_OTLP_HEADERS</c>). Default: none,
    /// and nothing is exported over OTLP; /metrics is served either way.
    /// </summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>Where to send traces only (env <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>). Default: <see cref="OtlpEndpoint"/>.</summary>
    public string? OtlpTracesEndpoint { get; init; }

    /// <summary>Where to send metrics only (env <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>). Default: <see cref="OtlpEndpoint"/>.</summary>
    public string? OtlpMetricsEndpoint { get; init; }

    /// <summary>True when traces are exported (and so recorded at all).</summary>
    public bool ExportsTraces => !string.IsNullOrWhiteSpace(OtlpTracesEndpoint ?? OtlpEndpoint);

    /// <summary>True when metrics are pushed over OTLP as well as served at /metrics.</summary>
    public bool ExportsMetrics => !string.IsNullOrWhiteSpace(OtlpMetricsEndpoint ?? OtlpEndpoint);

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

        foreach (var (flag, value) in new[] { ("--silo-port", SiloPort), ("--gateway-port", GatewayPort) })
        {
            if (value is not null && ParsePort(value) is null)
            {
                errors.Add($"{flag}: '{value}' is not a port (0-65535)");
            }
        }

        if (PostgresPoolSize is not null && (!int.TryParse(PostgresPoolSize, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pool) || pool is < 1 or > 1000))
        {
            errors.Add($"--postgres-pool-size: '{PostgresPoolSize}' is not a number from 1 to 1000");
        }

        foreach (var (variable, value) in new[]
        {
            (OtlpEnvironment.Endpoint, OtlpEndpoint), (OtlpEnvironment.TracesEndpoint, OtlpTracesEndpoint), (OtlpEnvironment.MetricsEndpoint, OtlpMetricsEndpoint),
        })
        {
            if (!string.IsNullOrWhiteSpace(value) && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                errors.Add($"{variable}: '{value}' is not an absolute http(s) URL (e.g. http://127.0.0.1:4317)");
            }
        }

        if (BudgetSlices is not (null or "on" or "off"))
        {
            errors.Add($"--budget-slices: '{BudgetSlices}' is not on or off");
        }

        if (SliceMaxCents is not null && !(decimal.TryParse(SliceMaxCents, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var maxCents)
            && maxCents is > 0m and <= 1_000_000m))
        {
            errors.Add($"--slice-max-cents: '{SliceMaxCents}' is not a number of cents above 0 and at most 1000000");
        }

        if (AdminToken is { Length: > 0 and < 16 })
        {
            errors.Add("COSTORCH_ADMIN_TOKEN: must be at least 16 characters");
        }

        return errors;
    }

    /// <summary>The flags a node takes (<c>--name value</c> or <c>--name=value</c>).</summary>
    public static readonly IReadOnlyList<string> Flags =
    [
        "urls", "data-dir", "storage", "postgres", "config", "node-id", "silo-port", "gateway-port", "cluster-id", "service-id",
        "postgres-pool-size", "budget-slices", "slice-max-cents", "admin-token", "environment",
    ];

    /// <summary>Every argument that is not one of <see cref="Flags"/> or a flag's value, one message each.</summary>
    public static IReadOnlyList<string> UnknownArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var errors = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                errors.Add($"'{arg}': not a flag (flags are --name value; see --help in the README)");
                continue;
            }

            var name = arg[2..].Split('=', 2)[0];
            if (!Flags.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"--{name}: unknown flag (known: {string.Join(", ", Flags.Select(f => "--" + f))})");
            }

            if (!arg.Contains('=', StringComparison.Ordinal))
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    errors.Add($"--{name}: needs a value");
                }
                else
                {
                    i++;
                }
            }
        }

        return errors;
    }

    private static int? ParsePort(string? value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535 ? port : null;
}
