using System.CommandLine;
using CostOrchestrator.Client;

namespace CostOrchestrator.Cli.Commands;

/// <summary>What every command that talks to a running node shares: its options, and how a call ends in an exit code.</summary>
internal static class NodeConnection
{
    public static Option<Uri> Node() => new("--node")
    {
        Description = "The node's base URL. Default: $COSTORCH_URL or http://127.0.0.1:8080.",
        DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable("COSTORCH_URL") ?? "http://127.0.0.1:8080"),
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }

            result.AddError($"--node: '{text}' is not an http(s) URL");
            return null;
        },
    };

    public static Option<string?> Token() => new("--token")
    {
        Description = "Admin token or API key. Default: $COSTORCH_TOKEN.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("COSTORCH_TOKEN"),
    };

    /// <summary>
    /// Runs <paramref name="call"/> with a client for the node and turns what can go wrong into exit codes: a budget
    /// refusal (402) 1, any other refusal (a bad parameter, a missing or wrong token) 2, an unreachable node 3.
    /// </summary>
    public static async Task<int> CallAsync(Uri node, string? token, Func<CostOrchestratorClient, Task<int>> call)
    {
        using var client = new CostOrchestratorClient(node, token);
        try
        {
            return await call(client).ConfigureAwait(false);
        }
        catch (CostOrchestratorApiException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ex.Status == System.Net.HttpStatusCode.PaymentRequired ? 1 : 2;
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"cannot reach {node}: {ex.Message}").ConfigureAwait(false);
            return 3;
        }
    }
}
