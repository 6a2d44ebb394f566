namespace CostOrchestrator.Cli.Simulation;

/// <summary>
/// SplitMix64: a small generator whose sequence is fixed by its seed forever. <see cref="Random"/> is not used
/// because its algorithm for a given seed may change between .NET versions, and a workload's seed must give the
/// same simulation on every machine and runtime.
/// </summary>
internal sealed class SeededRandom(long seed)
{
    private ulong _state = unchecked((ulong)seed);

    /// <summary>A number in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(NextUInt64() % (ulong)maxExclusive);
    }

    private ulong NextUInt64()
    {
        unchecked
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
