namespace CostOrchestrator.Storage;

/// <summary>
/// The store could not be reached or dropped the connection (a database restart, a network blip). Nothing
/// was approved without a durable record; the caller may retry (commit and release are idempotent).
/// HTTP maps it to 503 with <c>Retry-After</c>. It crosses grain boundaries (Orleans serializes it), so it never
/// carries the driver's exception, which Orleans has no codec for: the driver's message is in its own.
/// </summary>
[GenerateSerializer, Alias("costorch.StoreUnavailableException")]
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message)
        : base(message)
    {
    }
}
