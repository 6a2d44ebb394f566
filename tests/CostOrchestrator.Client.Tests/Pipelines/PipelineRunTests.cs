using System.Net;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Client.Tests.Pipelines;

public sealed class PipelineRunTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private const string Triage = "llm-support-triage";

    [Fact]
    public async Task SubmitRunAsync_StoredSamplePipelineThenWait_SucceedsWithStepsAndCostBreakdowns()
    {
        var ct = TestContext.Current.CancellationToken;

        var accepted = await node.Admin.SubmitRunAsync(Triage, SampleInput(), wait: false, ct);
        var run = await node.Admin.GetGrain<IPipelineRunGrain>(accepted.RunId).WaitAsync(ct);

        Assert.NotNull(run);
        Assert.Equal(accepted.RunId, run.RunId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(["classify", "draft", "summary"], run.Steps.Select(s => s.Name));
        Assert.All(run.Steps, step =>
        {
            Assert.Equal(StepStatus.Succeeded, step.Status);
            Assert.NotNull(step.ProviderId);
            Assert.NotEmpty(step.Invocations);
            // Another test in this class may have run the same input first: then the step is a cache hit and was not routed.
            Assert.True(step.Decision is not null || step.CacheHit, $"step {step.Name} has neither a routing decision nor a cache hit");
        });
        Assert.Equal(["classify", "draft", "summary"], run.CostByStep.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(run.TotalCostCents, run.CostByStep.Values.Sum());
        Assert.Equal(run.TotalCostCents, run.CostByProvider.Values.Sum());
        Assert.Equal(run.TotalCostCents, run.CostByCapability["llm-chat"]);
        Assert.Contains("team:support", run.Scopes);
    }

    [Fact]
    public async Task SubmitRunAsync_InlineDefinitionWithWait_ReturnsFinishedRunListedByPipeline()
    {
        var ct = TestContext.Current.CancellationToken;
        var stored = await node.Admin.GetPipelineAsync(Triage, ct);
        Assert.NotNull(stored);
        var pipeline = stored with { Id = "client-inline-" + Guid.NewGuid().ToString("N")[..8] };

        var run = await node.Admin.SubmitRunAsync(pipeline, SampleInput(), wait: true, ct);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(pipeline.Id, run.PipelineId);
        Assert.Equal(3, run.Steps.Count);
        var listed = await node.Admin.ListRunsAsync(pipeline.Id, RunStatus.Succeeded, cancellationToken: ct);
        var summary = Assert.Single(listed);
        Assert.Equal(run.RunId, summary.RunId);
        Assert.Equal(run.TotalCostCents, summary.TotalCostCents);
    }

    [Fact]
    public async Task SubmitRunAsync_InlinePipelineWithMinQualityOutOfRange_ThrowsInvalidPipelineNamingTheField()
    {
        var ct = TestContext.Current.CancellationToken;
        var pipeline = new PipelineDefinition
        {
            Id = "client-bad",
            Steps = [new PipelineStep { Name = "a", Invoke = new StepInvoke { Capability = "llm-chat", MinQuality = 7 } }],
        };

        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() => node.Admin.SubmitRunAsync(pipeline, null, wait: false, ct));

        Assert.Equal(HttpStatusCode.BadRequest, ex.Status);
        Assert.Equal("invalid_pipeline", ex.Code);
        Assert.Contains("min_quality", ex.Field);
        Assert.Contains(ex.Errors, e => e.Field == ex.Field);
    }

    [Fact]
    public async Task GetAsync_UnknownRun_ReturnsNull()
    {
        var grain = node.Admin.GetGrain<IPipelineRunGrain>("run_does_not_exist");

        Assert.Null(await grain.GetAsync(TestContext.Current.CancellationToken));
        Assert.Null(await grain.WaitAsync(TestContext.Current.CancellationToken));
        Assert.Null(await grain.CancelAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task StartAsync_KeyedReference_ThrowsNotSupportedPointingToSubmit()
    {
        var grain = node.Admin.GetGrain<IPipelineRunGrain>("run_anything");
        var pipeline = await node.Admin.GetPipelineAsync(Triage, TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => grain.StartAsync(new RunSubmission { Pipeline = pipeline! }, TestContext.Current.CancellationToken));

        Assert.Contains("SubmitRunAsync", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutPipelineAsync_UnknownStepField_ThrowsInvalidPipelineNamingTheField()
    {
        const string document = """{ "id": "client-put", "steps": [ { "name": "a", "invoke": { "capability": "llm-chat", "colour": "red" } } ] }""";

        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() => node.Admin.PutPipelineAsync("client-put", document, TestContext.Current.CancellationToken));

        Assert.Equal("invalid_pipeline", ex.Code);
        Assert.Contains("colour", ex.Field);
    }

    private static JsonElement SampleInput() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Samples, "inputs", "llm-support-triage.json"))).RootElement.Clone();
}
