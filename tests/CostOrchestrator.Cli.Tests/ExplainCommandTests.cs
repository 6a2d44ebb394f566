using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Cli.Tests;

/// <summary><c>costorch explain</c>: the node's forecast as a table, on a running node or an embedded one; nothing is run.</summary>
public sealed class ExplainCommandTests(RunningNode node) : IClassFixture<RunningNode>
{
    private const string TwoScenes = """{ "script": "hello", "scenes": ["a", "b"] }""";

    private const string ThreeScenes = """{ "script": "hello", "scenes": ["a", "b", "c"] }""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Clip => Path.Combine(RepositoryPaths.Samples, "pipelines", "render-social-clip.json");

    [Fact]
    public async Task Explain_OnANode_PrintsEachStepsForecastAsTheNodeGivesIt_AndExits0WhenItFits()
    {
        var (exit, stdout, stderr) = await ExplainAsync(Clip, "--input", TwoScenes);
        var explanation = await ApiExplainAsync(TwoScenes);

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("pipeline render-social-clip  fits", lines[0]);
        Assert.Equal(["step", "capability", "provider", "items", "cached", "expected¢", "worst case¢"], Cells(lines[1]));
        Assert.Equal(
            explanation.Steps.Select(s => new[] { s.Name, s.Capability, s.ProviderId ?? "-", Number(s.Items), Number(s.CachedItems), Cents(s.ExpectedCents), Cents(s.WorstCaseCents) }),
            lines.Skip(2).Take(explanation.Steps.Count).Select(Cells));
        Assert.Contains($"total expected {Cents(explanation.ExpectedCents)}¢, worst case {Cents(explanation.WorstCaseCents)}¢, run budget 50¢", stdout, StringComparison.Ordinal);
        Assert.Contains(explanation.Steps, s => s.ProviderId == "fal-wan2" && s.ExpectedCents > 0);
        Assert.Empty(await node.Store.ListRunsAsync(new Storage.RunQuery(), Ct));
    }

    [Fact]
    public async Task Explain_OverTheRunBudget_Exits1AndSaysWhy()
    {
        var (exit, stdout, _) = await ExplainAsync(Clip, "--input", ThreeScenes);

        Assert.Equal(1, exit);
        Assert.StartsWith("pipeline render-social-clip  does not fit", stdout, StringComparison.Ordinal);
        Assert.Contains("problem: expected", stdout, StringComparison.Ordinal);
        Assert.Contains("above the run's budget of 50¢", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_Json_IsTheNodesExplanation()
    {
        var (exit, stdout, stderr) = await ExplainAsync(Clip, "--input", TwoScenes, "--json");

        Assert.True(exit == 0, stderr);
        var printed = JsonSerializer.Deserialize<PipelineExplanation>(stdout, CostOrchestratorJson.Options)!;
        var explanation = await ApiExplainAsync(TwoScenes);
        Assert.Equal((explanation.ExpectedCents, explanation.WorstCaseCents, explanation.Fits), (printed.ExpectedCents, printed.WorstCaseCents, printed.Fits));
        Assert.Equal(explanation.Steps.Select(s => (s.Name, s.ProviderId, s.ExpectedCents)), printed.Steps.Select(s => (s.Name, s.ProviderId, s.ExpectedCents)));
    }

    [Fact]
    public async Task Explain_Embedded_ForecastsOnTheDataDirectoryWithoutANode()
    {
        using var dir = new TempDirectory();

        var (exit, stdout, stderr) = await CostorchProcess.RunAsync(Ct, "explain", Clip, "--input", ThreeScenes, "--data-dir", dir.Path);

        Assert.Equal(1, exit);
        Assert.StartsWith("pipeline render-social-clip  does not fit", stdout, StringComparison.Ordinal);
        Assert.Contains(stdout.Split('\n'), l => Cells(l) is ["broll", "ai-video-generate", "fal-wan2", "3", "0", ..]);
        Assert.DoesNotContain("cannot reach", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_OptionalStep_IsMarkedInTheTable()
    {
        using var dir = new TempDirectory();
        var file = dir.File("optional.json");
        await File.WriteAllTextAsync(file, """
            { "id": "optional", "steps": [
                { "name": "voice", "invoke": { "capability": "tts-generate", "inputs": { "text": "hi" } } },
                { "name": "extra", "invoke": { "capability": "image-generate", "optional": true, "inputs": { "prompt": "hi" } } } ] }
            """, Ct);

        var (exit, stdout, stderr) = await ExplainAsync(file);

        Assert.True(exit == 0, stderr);
        var steps = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Take(2).Select(l => Cells(l)[0]);
        Assert.Equal(["voice", "extra (optional)"], steps);
    }

    [Fact]
    public async Task Explain_UnknownCapability_Exits2WithTheFieldTheNodeNamed()
    {
        using var dir = new TempDirectory();
        var file = dir.File("unknown.json");
        await File.WriteAllTextAsync(file, """{ "id": "unknown", "steps": [ { "name": "a", "invoke": { "capability": "no-such-capability" } } ] }""", Ct);

        var (exit, stdout, stderr) = await ExplainAsync(file);

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("steps[0].invoke.capability", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--input", "{not json")]
    [InlineData("--data-dir", "somewhere")]
    public async Task Explain_BadInput_Exits2(string option, string value)
    {
        var (exit, stdout, stderr) = await ExplainAsync(Clip, option, value);

        Assert.Equal(2, exit);
        Assert.DoesNotContain("pipeline render-social-clip", stdout, StringComparison.Ordinal);
        Assert.Contains(option, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_NodeUnreachable_Exits3()
    {
        var (exit, _, stderr) = await CostorchProcess.RunAsync(Ct, "explain", Clip, "--input", TwoScenes, "--node", "http://127.0.0.1:1", "--token", "t");

        Assert.Equal(3, exit);
        Assert.Contains("cannot reach", stderr, StringComparison.Ordinal);
    }

    private static string[] Cells(string line) => Regex.Split(line.Trim(), @"\s{2,}");

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Cents(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private Task<(int ExitCode, string Stdout, string Stderr)> ExplainAsync(string file, params string[] options) =>
        CostorchProcess.RunAsync(Ct, ["explain", file, .. options, "--node", node.BaseAddress.ToString(), "--token", RunningNode.AdminToken]);

    private async Task<PipelineExplanation> ApiExplainAsync(string input)
    {
        using var client = node.Client();
        var body = new { pipeline = JsonDocument.Parse(await File.ReadAllTextAsync(Clip, Ct)).RootElement, input = JsonDocument.Parse(input).RootElement };
        var response = await client.PostAsJsonAsync("/v1/explain", body, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PipelineExplanation>(CostOrchestratorJson.Options, Ct))!;
    }
}
