namespace CostOrchestrator.Core.Money;

/// <summary>
/// Money is decimal cents with at most six fractional digits (one micro-cent). Every computed cost
/// passes through here so the store, which keeps integer micro-cents, holds exactly what the domain saw.
/// </summary>
public static class Cents
{
    /// <summary>Micro-cents per cent.</summary>
    public const long MicrosPerCent = 1_000_000;

    /// <summary>Rounds a cost up to the next micro-cent: a worst case must never be below the true cost.</summary>
    public static decimal RoundUp(decimal cents) => Math.Ceiling(cents * MicrosPerCent) / MicrosPerCent;

    /// <summary>Rounds to the nearest micro-cent (half away from zero).</summary>
    public static decimal Round(decimal cents) => Math.Round(cents, 6, MidpointRounding.AwayFromZero);

    /// <summary>To integer micro-cents for storage. Throws when the amount has more than six fractional digits.</summary>
    public static long ToMicros(decimal cents)
    {
        var micros = cents * MicrosPerCent;
        if (micros != decimal.Truncate(micros))
        {
            throw new ArgumentException($"{cents} has more than six fractional digits of a cent.", nameof(cents));
        }

        return (long)micros;
    }

    /// <summary>From integer micro-cents.</summary>
    public static decimal FromMicros(long micros) => (decimal)micros / MicrosPerCent;
}
