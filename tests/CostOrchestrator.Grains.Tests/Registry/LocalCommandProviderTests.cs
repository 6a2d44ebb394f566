using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Providers.Command;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Grains.Tests.Registry;

/// <summary>The sample registry's real local providers: espeak-ng and ffmpeg (installed by test.sh).</summary>
public sealed class LocalCommandProviderTests
{
    private static void RequirePrograms()
    {
        if (CommandProviderAdapter.Resolve("espeak-ng") is null || CommandProviderAdapter.Resolve("ffmpeg") is null)
        {
            if (Environment.GetEnvironmentVariable("CI") is not null)
            {
                Assert.Fail("espeak-ng and ffmpeg must be installed under CI (test.sh installs them).");
            }

            Assert.Skip("espeak-ng/ffmpeg not installed: apt-get install -y espeak-ng ffmpeg");
        }
    }

    [Fact]
    public async Task SampleSocialClip_RealTtsAndRender_ProduceFilesAndCostOnlyTheBroll()
    {
        RequirePrograms();
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, seed: TestNode.SampleProfile, cancellationToken: ct);
        var pipeline = (await node.Store.GetPipelineAsync("render-social-clip", ct))!;
        var input = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Samples, "inputs", "render-social-clip.json"), ct)).RootElement;

        var run = (await node.Pipelines.RunAsync(pipeline, input, ct)).Run!;

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("espeak-ng", run.Steps[0].ProviderId);
        Assert.Equal("local-ffmpeg", run.Steps[1].ProviderId);
        var wav = run.Steps[0].Result!.Value.GetProperty("path").GetString()!;
        var mp4 = run.Steps[1].Result!.Value.GetProperty("path").GetString()!;
        Assert.True(new FileInfo(wav).Length > 1000, "espeak-ng wrote no audio");
        Assert.True(new FileInfo(mp4).Length > 1000, "ffmpeg wrote no video");
        Assert.Equal("fal-wan2", run.Steps[2].ProviderId); // local-wan2 is down: no GPU here
        Assert.Equal(40m, run.TotalCostCents);
        Assert.Equal(new Dictionary<string, decimal> { ["narration"] = 0m, ["render"] = 0m, ["broll"] = 40m }, run.CostByStep);
        Assert.Equal(new Dictionary<string, decimal> { ["tts-generate"] = 0m, ["ffmpeg-render"] = 0m, ["ai-video-generate"] = 40m }, run.CostByCapability);
    }

    [Fact]
    public async Task MissingProgram_HealthCheckMarksProviderDown_AndRoutingFallsThrough()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.AddProvidersAsync(
            new ProviderRecord
            {
                ProviderId = "vanished-tts",
                Capability = "tts-generate",
                Kind = "command",
                Tier = 1,
                IsFree = true,
                Local = true,
                CostModel = new CostModel { Kind = CostModelKind.PerInvocation, CentsPerInvocation = 0m },
                Settings = JsonSerializer.SerializeToElement(new { program = "costorch-no-such-program", args = new[] { "{{ output }}" } }),
            },
            TestProviders.Fixed("paid-tts", "tts-generate", 1m));
        var registry = node.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);

        Assert.Equal(1, await registry.CheckHealthAsync(ct));
        var run = (await node.Pipelines.RunAsync(Pipelines.Pipelines.OneStep("tts-generate"), JsonSerializer.SerializeToElement(new { text = "hello" }), ct)).Run!;

        var vanished = await registry.GetProviderAsync("vanished-tts", ct);
        Assert.Equal(ProviderHealth.Down, vanished!.Health);
        Assert.Equal("check: program 'costorch-no-such-program' not found on PATH", vanished.HealthReason);
        Assert.Equal("paid-tts", run.Steps[0].ProviderId);
    }

    [Fact]
    public async Task UpdateProvider_PriceChange_IsRecordedAndRoutesTheNextCall()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Fixed("a", "image-generate", 1m), TestProviders.Fixed("b", "image-generate", 2m));
        var registry = node.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);
        var pipeline = Pipelines.Pipelines.OneStep("image-generate", """, "cache": false""");

        var before = (await node.Pipelines.RunAsync(pipeline, JsonSerializer.SerializeToElement(new { text = "x" }), ct)).Run!;
        await registry.UpdateProviderAsync("a", new ProviderUpdate { CostModel = new CostModel { Kind = CostModelKind.PerInvocation, CentsPerInvocation = 3m } }, ct);
        var after = (await node.Pipelines.RunAsync(pipeline, JsonSerializer.SerializeToElement(new { text = "x" }), ct)).Run!;

        Assert.Equal("a", before.Steps[0].ProviderId);
        Assert.Equal("b", after.Steps[0].ProviderId);
        var history = await registry.GetPriceHistoryAsync("a", ct);
        Assert.Equal([1m, 3m], history.Select(h => h.CostModel.CentsPerInvocation!.Value));
    }
}
