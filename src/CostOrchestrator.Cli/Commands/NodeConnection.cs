using System.CommandLine;

namespace CostOrchestrator.Cli.Commands;

/// <summary>The options every command that talks to a running node shares.</summary>
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
}
