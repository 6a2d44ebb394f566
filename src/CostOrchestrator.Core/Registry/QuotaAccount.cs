using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Core.Registry;

/// <summary>
/// One provider's <c>monthly_quota</c> as its quota grain counts it: the month's uses (loaded from the store, then one per
/// call that ends in a commit) and the calls in flight (each by its reservation id). It decides every admission in one
/// step, so while it is the only account of its provider no more calls are admitted than the quota has room for. Pure:
/// the grain reads the store and the clocks.
/// </summary>
public sealed class QuotaAccount
{
    private readonly TimeZoneInfo _zone;

    // Reservation id -> when to look its fate up in the store, should nobody say how its call ended.
    private readonly Dictionary<string, DateTimeOffset> _inFlight = new(StringComparer.Ordinal);
    private DateTimeOffset? _nextMonth;
    private int _used;

    /// <summary>An empty account; <see cref="Load"/> starts its month.</summary>
    public QuotaAccount(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        _zone = zone;
    }

    /// <summary>The month counted (its start).</summary>
    public DateTimeOffset MonthStart { get; private set; }

    /// <summary>The month's uses and the calls in flight.</summary>
    public QuotaUsage Usage => new() { MonthStart = MonthStart, Used = _used, InFlight = _inFlight.Count };

    /// <summary>True before the first load and once the month is over: the next decision needs the store's count first.</summary>
    public bool NeedsLoad(DateTimeOffset now) => _nextMonth is not { } next || now >= next;

    /// <summary>
    /// Starts the month containing <paramref name="now"/> from the store: <paramref name="used"/> successful calls so far, and
    /// the provider's <paramref name="pending"/> reservations, each counted in flight (a call an earlier activation admitted,
    /// or one about to ask) until its call ends or its fate is looked up.
    /// </summary>
    public void Load(DateTimeOffset now, int used, IEnumerable<string> pending, DateTimeOffset checkAt)
    {
        ArgumentNullException.ThrowIfNull(pending);
        MonthStart = MonthlyQuota.MonthOf(now, _zone);
        _nextMonth = MonthlyQuota.NextMonth(now, _zone);
        _used = used;
        _inFlight.Clear();
        foreach (var reservationId in pending)
        {
            _inFlight[reservationId] = checkAt;
        }
    }

    /// <summary>
    /// Admits the call under <paramref name="reservationId"/> when the uses and every other call in flight leave room in
    /// <paramref name="quota"/>. A reservation loaded as pending is decided the same way against the others, and forgotten
    /// when refused (its caller releases it).
    /// </summary>
    public QuotaAdmission TryAdmit(string reservationId, int quota, DateTimeOffset checkAt)
    {
        _inFlight.Remove(reservationId);
        var admitted = MonthlyQuota.HasRoom(quota, Usage);
        if (admitted)
        {
            _inFlight[reservationId] = checkAt;
        }

        return new QuotaAdmission { Admitted = admitted, Usage = Usage };
    }

    /// <summary>
    /// The call under <paramref name="reservationId"/> ended: one more use when <paramref name="used"/>, its room given back
    /// otherwise. A call not in flight here is already counted — committed before the month was loaded, or its fate looked
    /// up — and changes nothing, so a call is never counted twice.
    /// </summary>
    public QuotaUsage Complete(string reservationId, bool used)
    {
        if (_inFlight.Remove(reservationId) && used)
        {
            _used++;
        }

        return Usage;
    }

    /// <summary>Calls in flight whose check time has come: their caller may have died without saying how they ended.</summary>
    public IReadOnlyList<string> DueForCheck(DateTimeOffset now) => [.. _inFlight.Where(c => c.Value <= now).Select(c => c.Key)];

    /// <summary>A call looked up and still pending: look again at <paramref name="checkAt"/>.</summary>
    public void CheckAgainAt(string reservationId, DateTimeOffset checkAt)
    {
        if (_inFlight.ContainsKey(reservationId))
        {
            _inFlight[reservationId] = checkAt;
        }
    }
}
