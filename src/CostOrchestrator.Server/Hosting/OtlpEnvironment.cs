namespace CostOrchestrator.Server.Hosting;

/// <summary>OpenTelemetry's environment variables that turn OTLP export on (the exporter reads them, and its others, itself).</summary>
public static class OtlpEnvironment
{
    /// <summary>Base endpoint for every signal.</summary>
    public const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Endpoint for traces only.</summary>
    public const string TracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

    /// <summary>Endpoint for metrics only.</summary>
    public const string MetricsEndpoint = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";

    /// <summary>The service name reported with every signal. Default here: <c>costorch</c>.</summary>
    public const string ServiceName = "OTEL_SERVICE_NAME";
}
