using CostOrchestrator.Server.Hosting;

namespace CostOrchestrator.Server.Tests.Hosting;

/// <summary>OTLP export follows OpenTelemetry's own variables: on only when an endpoint is set, and a bad one is refused at start.</summary>
public sealed class ServerOptionsTests
{
    [Fact]
    public void OtlpEndpoints_ExportOnlyWhatIsConfigured_AndOneThatIsNotAnHttpUrlIsRefused()
    {
        var none = new ServerOptions();
        var tracesOnly = new ServerOptions { OtlpTracesEndpoint = "http://127.0.0.1:4318/v1/traces" };
        var both = new ServerOptions { OtlpEndpoint = "http://127.0.0.1:4317" };
        var bad = new ServerOptions { OtlpEndpoint = "collector:4317", OtlpMetricsEndpoint = "/v1/metrics" };

        Assert.Equal((false, false), (none.ExportsTraces, none.ExportsMetrics));
        Assert.Equal((true, false), (tracesOnly.ExportsTraces, tracesOnly.ExportsMetrics));
        Assert.Equal((true, true), (both.ExportsTraces, both.ExportsMetrics));
        Assert.Empty(tracesOnly.Validate());
        Assert.Equal(
        [
            "OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' is not an absolute http(s) URL (e.g. http://127.0.0.1:4317)",
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: '/v1/metrics' is not an absolute http(s) URL (e.g. http://127.0.0.1:4317)",
        ], bad.Validate());
    }
}
