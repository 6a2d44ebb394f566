namespace CostOrchestrator.Storage.Common;

/// <summary>Instants as integer microseconds since the Unix epoch: the precision PostgreSQL keeps, so both stores agree.</summary>
internal static class StoreTime
{
    public static long ToMicros(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero);

    /// <summary>Drops sub-microsecond ticks, as the stores do.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset instant) => FromMicros(ToMicros(instant));
}
