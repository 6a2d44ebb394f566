using CostOrchestrator.Tests.Common;
using System.ClientModel;
using System.Net.Http.Json;
using CostOrchestrator.Storage;
using OpenAI;
using OpenAI.Chat;

namespace CostOrchestrator.Server.Tests;

/// <summary>The gateway as a real application would use it: the official OpenAI .NET client with a changed base URL.</summary>
public sealed class OpenAiGatewayTests(RunningNode node) : IClassFixture<RunningNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ChatClient Chat(string model, string key) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(node.BaseAddress, "/v1") });

    [Fact]
    public async Task CompleteChat_Auto_RoutesByBudgetAndReportsCostHeaders()
    {
        var key = await node.CreateKeyAsync("team:apps");

        var result = await Chat("auto", key).CompleteChatAsync([new UserChatMessage("Say hello to the budget.")], cancellationToken: Ct);

        Assert.Contains("simulated", result.Value.Content[0].Text, StringComparison.Ordinal);
        var headers = result.GetRawResponse().Headers;
        Assert.True(headers.TryGetValue("X-Provider-Id", out var provider));
        Assert.Equal("workers-ai", provider); // the free tier-1 model wins a simple task
        Assert.True(headers.TryGetValue("X-Cost-Cents", out var cost));
        Assert.Equal("0", cost);
        Assert.True(result.Value.Usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task CompleteChatStreaming_DeliversContentAndUsage()
    {
        var key = await node.CreateKeyAsync("team:apps");
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;

        await foreach (var update in Chat("gpt-4o-mini", key).CompleteChatStreamingAsync([new UserChatMessage("Stream me something.")], new ChatCompletionOptions { MaxOutputTokenCount = 50 }, Ct))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
        }

        Assert.Contains("gpt-4o-mini", text.ToString(), StringComparison.Ordinal);
        Assert.NotNull(usage);
        Assert.Equal(50, usage.OutputTokenCount); // the simulator writes min(max_tokens, 64)
    }

    [Fact]
    public async Task CompleteChat_BudgetSpent_Gets402NamingTheScope_AndTheLedgerMatchesUsageExactly()
    {
        var key = await node.CreateKeyAsync("team:gateway");
        using (var admin = node.Client())
        {
            var set = await admin.PutAsJsonAsync("/v1/budgets/team:gateway", new { windows = new[] { new { window = "day", limit_cents = 4 } } }, Ct);
            set.EnsureSuccessStatusCode();
        }

        var opus = Chat("claude-opus", key);
        var billed = 0m;
        ClientResultException? refused = null;
        for (var i = 0; i < 20 && refused is null; i++)
        {
            try
            {
                var result = await opus.CompleteChatAsync([new UserChatMessage($"Question number {i}?")], new ChatCompletionOptions { MaxOutputTokenCount = 200 }, Ct);
                var usage = result.Value.Usage;

                // claude-opus in the sample registry: 1500¢ per million input tokens, 7500¢ per million output tokens.
                billed += Math.Ceiling((usage.InputTokenCount * 1500m + usage.OutputTokenCount * 7500m) / 1_000_000m * 1_000_000m) / 1_000_000m;
            }
            catch (ClientResultException ex)
            {
                refused = ex;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(402, refused.Status);
        Assert.Contains("team:gateway", refused.Message, StringComparison.Ordinal);
        await node.FlushSlicesAsync();
        var ledger = await node.Store.GetLedgerAsync(new LedgerQuery { Scope = "team:gateway" }, Ct);
        Assert.Equal(billed, ledger.Sum(e => e.ActualCents));
        Assert.True(ledger.Sum(e => e.ActualCents) <= 4m);
    }

    [Fact]
    public async Task UnknownModel_AndMissingKey_GetOpenAiStyleErrors()
    {
        var key = await node.CreateKeyAsync("team:apps");

        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => Chat("gpt-9000", key).CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));
        var anonymous = await Assert.ThrowsAsync<ClientResultException>(() => Chat("auto", "not-a-key").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(404, unknown.Status);
        Assert.Contains("gpt-9000", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(401, anonymous.Status);
    }

    [Fact]
    public async Task Models_ListsCapabilitiesAndProviderModels()
    {
        var key = await node.CreateKeyAsync("team:apps");
        var client = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(node.BaseAddress, "/v1") });

        var models = (await client.GetOpenAIModelClient().GetModelsAsync(Ct)).Value.Select(m => m.Id).ToList();

        Assert.Contains("auto", models);
        Assert.Contains("llm-chat", models);
        Assert.Contains("claude-sonnet", models);
    }
}
