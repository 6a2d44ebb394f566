using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Providers.Command;

/// <summary>
/// Runs a local program, such as <c>espeak-ng</c> or <c>ffmpeg</c>, as a provider. Settings:
/// <c>program</c>, <c>args</c> (a list; <c>{{ output }}</c> is the artifact path, <c>{{ inputs.x }}</c> an input),
/// <c>output_extension</c>, <c>timeout_seconds</c> (default 120). Arguments are passed as a list, never
/// through a shell. The health check looks the program up on PATH, so a missing binary marks the
/// provider down and routing falls through to the next one.
/// </summary>
public sealed partial class CommandProviderAdapter : IProviderAdapter
{
    /// <inheritdoc />
    public string Kind => "command";

    /// <inheritdoc />
    public async Task<ProviderOutcome> InvokeAsync(ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var settings = Settings(call.Provider);
        if (settings.Program is null)
        {
            return ProviderOutcome.Failure($"{call.Provider.ProviderId}: settings.program is missing", retryable: false);
        }

        var program = Resolve(settings.Program);
        if (program is null)
        {
            return ProviderOutcome.Failure($"{call.Provider.ProviderId}: program '{settings.Program}' not found on PATH", retryable: false);
        }

        Directory.CreateDirectory(call.ArtifactDirectory);
        var output = Path.Combine(call.ArtifactDirectory, $"{call.InvocationId}.{settings.Extension}");
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in settings.Args)
        {
            var (value, error) = Render(arg, call.Inputs, output);
            if (error is not null)
            {
                return ProviderOutcome.Failure($"{call.Provider.ProviderId}: {error}", retryable: false);
            }

            start.ArgumentList.Add(value!);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            return ProviderOutcome.Failure($"{call.Provider.ProviderId}: timed out after {settings.TimeoutSeconds}s", retryable: true);
        }

        if (process.ExitCode != 0)
        {
            var message = (await stderr.ConfigureAwait(false)).Trim();
            return ProviderOutcome.Failure($"{call.Provider.ProviderId}: {settings.Program} exited with {process.ExitCode}: {Tail(message)}", retryable: false);
        }

        await stdout.ConfigureAwait(false);
        var result = new JsonObject
        {
            ["path"] = output,
            ["url"] = new Uri(output).AbsoluteUri,
            ["bytes"] = File.Exists(output) ? new FileInfo(output).Length : 0,
        };
        return ProviderOutcome.Success(JsonSerializer.SerializeToElement(result));
    }

    /// <inheritdoc />
    public Task<ProviderHealthReport> CheckHealthAsync(ProviderRecord provider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var program = Settings(provider).Program;
        return Task.FromResult(program is null
            ? new ProviderHealthReport(false, "settings.program is missing")
            : Resolve(program) is null
                ? new ProviderHealthReport(false, $"program '{program}' not found on PATH")
                : new ProviderHealthReport(true));
    }

    /// <summary>The full path of a program: as given when it contains a slash, else the first match on PATH.</summary>
    public static string? Resolve(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }

    private static (string? Value, string? Error) Render(string arg, JsonElement inputs, string output)
    {
        string? error = null;
        var value = Placeholder().Replace(arg, match =>
        {
            var name = match.Groups[1].Value;
            if (name == "output")
            {
                return output;
            }

            var path = name["inputs.".Length..];
            if (inputs.ValueKind == JsonValueKind.Object && inputs.TryGetProperty(path, out var input))
            {
                return input.ValueKind == JsonValueKind.String ? input.GetString()! : input.GetRawText();
            }

            error = $"input '{path}' is required by the command's arguments";
            return string.Empty;
        });
        return (error is null ? value : null, error);
    }

    private static (string? Program, IReadOnlyList<string> Args, string Extension, int TimeoutSeconds) Settings(ProviderRecord provider)
    {
        if (provider.Settings is not { ValueKind: JsonValueKind.Object } s)
        {
            return (null, [], "out", 120);
        }

        var program = s.TryGetProperty("program", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var args = s.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList()
            : [];
        var extension = s.TryGetProperty("output_extension", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "out";
        var timeout = s.TryGetProperty("timeout_seconds", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : 120;
        return (program, args, extension, timeout);
    }

    private static string Tail(string text) => text.Length <= 300 ? text : "…" + text[^300..];

    [GeneratedRegex(@"\{\{\s*(output|inputs\.[A-Za-z0-9_\-]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
