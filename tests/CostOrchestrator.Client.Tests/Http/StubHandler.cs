using System.Net;
using System.Text;

namespace CostOrchestrator.Client.Tests.Http;

/// <summary>Answers from a script instead of a node, and records what it was sent.</summary>
internal sealed class StubHandler(Func<int, HttpResponseMessage> answer) : HttpMessageHandler
{
    private int _calls;

    public int Calls => _calls;

    public List<string?> Authorizations { get; } = [];

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Authorizations)
        {
            Authorizations.Add(request.Headers.Authorization?.ToString());
        }

        return Task.FromResult(answer(Interlocked.Increment(ref _calls)));
    }
}
