namespace CostOrchestrator.Core.Diagnostics;

/// <summary>Every log event id of the product, in ranges per area, so operators can filter by number.</summary>
public static class EventIds
{
    // 1000-1999 were the stand-in grain runtime's; Orleans logs its own events now. Not reused.

    // 2000-2099 budgets
    public const int ReservationDenied = 2000;
    public const int ReservationsSettled = 2001;
    public const int CostDrift = 2002;
    public const int WindowRolled = 2003;
    public const int ReservationFenced = 2004;

    // 2100-2199 registry and providers
    public const int ProviderCircuitOpened = 2100;
    public const int ProviderHealthChecked = 2101;
    public const int ProviderCallFailed = 2102;
    public const int PriceChanged = 2103;
    public const int RegistryCopyDropped = 2104;
    public const int RegistryCopyRenewFailed = 2105;
    public const int QuotaReached = 2106;
    public const int QuotaReportFailed = 2107;

    // 2200-2299 pipeline runs
    public const int RunStarted = 2200;
    public const int RunFinished = 2201;
    public const int RunQueued = 2202;
    public const int RunResumed = 2203;
    public const int RunStepFailed = 2204;
    public const int RunSuperseded = 2205;
    public const int RunRecovered = 2206;
    public const int RunExecutionFailed = 2207;
    public const int RunNotAdmitted = 2208;

    // 2300-2399 alerts
    public const int AlertFired = 2300;
    public const int AlertDeliveryFailed = 2301;
    public const int AlertTickFailed = 2302;

    // 3000-3099 node and storage
    public const int NodeStarted = 3000;
    public const int StoreMigrated = 3001;
    public const int StoreSeeded = 3002;
    public const int BackgroundLoopFailed = 3003;
    public const int NodeStopping = 3004;
}
