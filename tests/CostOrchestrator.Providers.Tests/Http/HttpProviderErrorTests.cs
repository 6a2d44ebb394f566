using System.Net;
using CostOrchestrator.Providers.Http;

namespace CostOrchestrator.Providers.Tests.Http;

public sealed class HttpProviderErrorTests
{
    [Theory]
    [InlineData(408, true)]
    [InlineData(409, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(413, false)]
    [InlineData(501, false)]
    public void IsRetryable_Status_TransientOnly(int status, bool retryable) =>
        Assert.Equal(retryable, HttpProviderError.IsRetryable((HttpStatusCode)status));

    [Fact]
    public void FromException_TimeoutNotFromCaller_Retryable()
    {
        var outcome = HttpProviderError.FromException("p", new TaskCanceledException("timeout", new TimeoutException()), null, CancellationToken.None);

        Assert.True(outcome!.Retryable);
        Assert.Equal("p: request timed out", outcome.Error);
    }

    [Fact]
    public void FromException_CallerCancelled_LeftToTheCaller()
    {
        using var caller = new CancellationTokenSource();
        caller.Cancel();

        Assert.Null(HttpProviderError.FromException("p", new TaskCanceledException(), null, caller.Token));
    }

    [Fact]
    public void FromException_NetworkError_RetryableWithKeyMasked()
    {
        var outcome = HttpProviderError.FromException("p", new HttpRequestException("refused for sk-123"), "sk-123", CancellationToken.None);

        Assert.True(outcome!.Retryable);
        Assert.Equal("p: request failed: refused for ***", outcome.Error);
    }

    [Fact]
    public void FromException_Bug_NotMapped() =>
        Assert.Null(HttpProviderError.FromException("p", new InvalidOperationException(), null, CancellationToken.None));

    [Fact]
    public void Excerpt_KeyStraddlesTheCut_NeitherHalfLeaks()
    {
        var key = "sk-" + new string('k', 40);
        var body = new string('a', HttpProviderError.MaxExcerptLength - 10) + key;

        var excerpt = HttpProviderError.Excerpt(body, key);

        Assert.True(excerpt.Length <= HttpProviderError.MaxExcerptLength);
        Assert.DoesNotContain("sk-k", excerpt, StringComparison.Ordinal);
    }
}
