using Microsoft.Extensions.DependencyInjection;
using CostOrchestrator.Abstractions.Budget;
using System.ClientModel;
using System.Net.Http.Json;
using System.Text;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;
using OpenAI;
using OpenAI.Chat;

namespace CostOrchestrator.Server.Tests;

/// <summary>
/// The gateway in front of a real (local) OpenAI-compatible upstream: the official client talks to the node,
/// the node's openai-compatible adapter talks to the upstream, and the ledger must equal the upstream's usage.
/// </summary>
public sealed class OpenAiUpstreamTests(RunningNode node) : IClassFixture<RunningNode>, IAsyncLifetime
{
    // The upstream's price in this test: 250¢ per million input tokens, 1000¢ per million output tokens.
    private const decimal InputRate = 250m;
    private const decimal OutputRate = 1000m;

    private FakeUpstream _upstream = null!;
    private string _key = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync(Ct);
        Environment.SetEnvironmentVariable("COSTORCH_TEST_OPENAI_KEY", "sk-upstream-secret-123");
        using var admin = node.Client();
        var put = await admin.PutAsJsonAsync("/v1/providers/upstream-gpt", new
        {
            provider_id = "upstream-gpt",
            capability = "llm-chat",
            kind = "openai-compatible",
            tier = 3,
            quality = 3,
            endpoint = _upstream.ApiEndpoint,
            model = "gpt-upstream",
            api_key_env = "COSTORCH_TEST_OPENAI_KEY",
            cost_model = new { kind = "per-token", input_cents_per_million_tokens = InputRate, output_cents_per_million_tokens = OutputRate },
        }, Ct);
        put.EnsureSuccessStatusCode();
        _key = await node.CreateKeyAsync("team:upstream");
    }

    public async ValueTask DisposeAsync()
    {
        using var admin = node.Client();
        await admin.DeleteAsync("/v1/providers/upstream-gpt", CancellationToken.None);
        await _upstream.DisposeAsync();
    }

    private ChatClient Chat() => new("gpt-upstream", new ApiKeyCredential(_key), new OpenAIClientOptions { Endpoint = new Uri(node.BaseAddress, "/v1") });

    private static decimal Cost(long input, long cached, long output) =>
        Math.Ceiling(((input - cached) * InputRate + cached * InputRate + output * OutputRate) / 1_000_000m * 1_000_000m) / 1_000_000m;

    private async Task<IReadOnlyList<LedgerEntry>> LedgerAsync()
    {
        await node.FlushSlicesAsync();
        return (await node.Store.GetLedgerAsync(new LedgerQuery { Scope = "provider:upstream-gpt" }, Ct)).ToList();
    }

    [Fact]
    public async Task ManyCalls_AreDecidedInTheNodesBudgetSlice_AndTheLedgerHasEachOneAtItsUpstreamCost()
    {
        var before = await LedgerAsync();

        // The first call takes the governors' path and leases a slice for the chain; the calls after it are decided
        // on the node, their ledger rows written in batches.
        var costs = new List<decimal>();
        for (var i = 0; i < 40; i++)
        {
            if (i == 1)
            {
                var slices = node.Services.GetRequiredService<CostOrchestrator.Grains.Budget.BudgetSlices>();
                await Eventually.ReturnsAsync(() => Task.FromResult(slices.Describe()), d => d.Count > 0, Ct);
            }

            var result = await Chat().CompleteChatAsync([new UserChatMessage($"Sliced {i}?")], new ChatCompletionOptions { MaxOutputTokenCount = 100 }, Ct);
            Assert.True(result.GetRawResponse().Headers.TryGetValue("X-Cost-Cents", out var cost));
            costs.Add(decimal.Parse(cost!, System.Globalization.CultureInfo.InvariantCulture));
        }

        var added = (await LedgerAsync()).ExceptBy(before.Select(e => e.EntryId), e => e.EntryId).ToList();
        Assert.Equal(40, added.Count);
        Assert.Equal(costs.Sum(), added.Sum(e => e.ActualCents));
        Assert.All(added, e => Assert.Equal(Cost(1234, 1000, 56), e.ActualCents));
        Assert.Contains(added, e => e.ReservationId!.StartsWith("slc_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CompleteChat_ThroughTheUpstream_LedgerEqualsTheUpstreamUsage()
    {
        var before = (await LedgerAsync()).Sum(e => e.ActualCents);

        var result = await Chat().CompleteChatAsync([new UserChatMessage("What does this cost?")], new ChatCompletionOptions { MaxOutputTokenCount = 100 }, Ct);

        var usage = result.Value.Usage;
        Assert.Equal((1234, 56), (usage.InputTokenCount, usage.OutputTokenCount));
        Assert.Equal(Cost(1234, 1000, 56), (await LedgerAsync()).Sum(e => e.ActualCents) - before);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("X-Provider-Id", out var provider));
        Assert.Equal("upstream-gpt", provider);
        var sent = Assert.Single(_upstream.Requests, r => r.Body?["messages"]?[0]?["content"]?.GetValue<string>() == "What does this cost?");
        Assert.Equal("Bearer sk-upstream-secret-123", sent.Header("Authorization"));
        Assert.Equal("gpt-upstream", sent.Body!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task CompleteChatStreaming_PassesTheStreamThroughAndCommitsTheFinalUsage()
    {
        var before = (await LedgerAsync()).Sum(e => e.ActualCents);
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;

        await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("Stream it.")], new ChatCompletionOptions { MaxOutputTokenCount = 100 }, Ct))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
        }

        Assert.Equal("Hello, world", text.ToString());
        Assert.NotNull(usage);
        Assert.Equal(Cost(usage.InputTokenCount, usage.InputTokenDetails?.CachedTokenCount ?? 0, usage.OutputTokenCount), (await LedgerAsync()).Sum(e => e.ActualCents) - before);
        var sent = Assert.Single(_upstream.Requests, r => r.Body?["messages"]?[0]?["content"]?.GetValue<string>() == "Stream it.");
        Assert.True(sent.Body!["stream_options"]!["include_usage"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Streaming_SendsProviderCacheAndReservedAsHeaders_AndTheCommittedCostAsTheLastDataEvent()
    {
        var before = (await LedgerAsync()).Sum(e => e.ActualCents);
        using var client = node.Client(_key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "gpt-upstream", stream = true, max_tokens = 100, messages = new[] { new { role = "user", content = "Stream with headers." } } }),
        };

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        var events = (await response.Content.ReadAsStringAsync(Ct))
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(e => e.StartsWith("data: ", StringComparison.Ordinal))
            .Select(e => e["data: ".Length..])
            .ToList();

        Assert.Equal("upstream-gpt", response.Headers.GetValues("X-Provider-Id").Single());
        Assert.Equal("false", response.Headers.GetValues("X-Cache-Hit").Single());
        var reserved = decimal.Parse(response.Headers.GetValues("X-Reserved-Cents").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("[DONE]", events[^1]);
        var usage = System.Text.Json.JsonDocument.Parse(events[^2]).RootElement.GetProperty("usage");
        var charged = (await LedgerAsync()).Sum(e => e.ActualCents) - before;
        Assert.Equal(charged, usage.GetProperty("cost_cents").GetDecimal());
        Assert.Equal("upstream-gpt", usage.GetProperty("provider_id").GetString());
        // The fake upstream reports 1234 input tokens whatever was sent, so the charge may exceed the estimate held.
        Assert.True(charged > 0m && reserved > 0m);
    }

    [Fact]
    public async Task StreamingClientDisconnects_UpstreamIsAborted_AndOnlyWhatWasUsedIsCharged()
    {
        _upstream.PauseStreamAfter = 2;
        using var client = new CancellationTokenSource();
        var received = new StringBuilder();
        var firstContent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var reading = Task.Run(async () =>
        {
            await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("Stream then hang.")], new ChatCompletionOptions { MaxOutputTokenCount = 2000 }, client.Token))
            {
                foreach (var part in update.ContentUpdate)
                {
                    received.Append(part.Text);
                    firstContent.TrySetResult();
                }
            }
        }, Ct);

        // Disconnect only once content has really reached the client, so something was used and must be charged.
        await _upstream.StreamPaused.WaitAsync(Ct);
        await firstContent.Task.WaitAsync(Ct);
        await client.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        await _upstream.Aborted.WaitAsync(Ct);

        // The commit happens once the node has noticed; poll the ledger with a deadline rather than sleeping.
        LedgerEntry? entry = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (entry is null && DateTime.UtcNow < deadline)
        {
            entry = (await LedgerAsync()).FirstOrDefault(e => e.Tokens is { } t && t.Output > 0 && e.ActualCents < e.EstimatedCents);
            if (entry is null)
            {
                await Task.Delay(20, Ct); // polling interval, bounded by the deadline above
            }
        }

        Assert.NotNull(entry);
        Assert.True(entry.ActualCents > 0);
        Assert.True(entry.EstimatedCents >= 2000 * OutputRate / 1_000_000m, "the worst case covered max_tokens");
        // Nothing of the streamed call is left held (the node's budget slices, leased by other calls, may still be).
        Assert.Equal(ReservationState.Committed, (await node.Store.GetReservationAsync(entry.ReservationId!, Ct))!.State);
    }
}
