namespace CostOrchestrator.Core.Money;

/// <summary>
/// Money is decimal cents with at most six fractional digits (one micro-cent). Every computed cost
/// passes through here so the store, which keeps integer micro-cents, holds exactly what the domain saw.
/// </summary>
public static class Cents
{
    /// <summary>Micro-cents per cent.</summary>
    public const long MicrosPerCent = 1_000_000;

    /// <summary>
    /// The largest amount, limit or cost accepted anywhere: 100 billion cents ($1 billion). Stored as micro-cents that
    /// is 10^17, so even many such amounts summed in one window stay far inside a 64-bit integer.
    /// </summary>
    public const decimal Max = 100_000_000_000m;

    /// <summary>How the accepted range reads in an error message.</summary>
    public const string RangeText = "must be a number of cents from 0 to 100000000000 with at most six decimals";

    /// <summary>True for an amount in range: not negative, at most <see cref="Max"/>, at most six fractional digits.</summary>
    public static bool IsValid(decimal cents) => cents >= 0 && cents <= Max && decimal.Round(cents, 6) == cents;

    /// <summary>Rounds a cost up to the next micro-cent: a worst case must never be below the true cost.</summary>
    public static decimal RoundUp(decimal cents) => Math.Ceiling(cents * MicrosPerCent) / MicrosPerCent;

    /// <summary>A cost rounded up to whole micro-cents, as a count of them (what <see cref="RoundUp"/> keeps, as an integer).</summary>
    public static long RoundUpToMicros(decimal cents) => (long)Math.Ceiling(cents * MicrosPerCent);

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
