namespace CostOrchestrator.Grains.Diagnostics;

/// <summary>
/// Attribute (tag) keys and their well-known values. <c>gen_ai.*</c> and <c>error.type</c> are OpenTelemetry's
/// semantic conventions; <c>costorch.*</c> are ours.
/// </summary>
public static class TelemetryAttributes
{
    /// <summary>GenAI: <c>chat</c> or <c>generate_content</c>.</summary>
    public const string GenAiOperationName = "gen_ai.operation.name";

    /// <summary>GenAI: who serves the model (<c>openai</c>, <c>anthropic</c>, or the adapter kind).</summary>
    public const string GenAiProviderName = "gen_ai.provider.name";

    /// <summary>GenAI: the model asked for (the provider's <c>model</c>).</summary>
    public const string GenAiRequestModel = "gen_ai.request.model";

    /// <summary>GenAI: input tokens billed.</summary>
    public const string GenAiInputTokens = "gen_ai.usage.input_tokens";

    /// <summary>GenAI: output tokens billed.</summary>
    public const string GenAiOutputTokens = "gen_ai.usage.output_tokens";

    /// <summary>OpenTelemetry's class of error: a run error code, or a provider error's kind.</summary>
    public const string ErrorType = "error.type";

    /// <summary>The provider's id in the registry.</summary>
    public const string ProviderId = "costorch.provider_id";

    /// <summary>The capability invoked.</summary>
    public const string Capability = "costorch.capability";

    /// <summary>True when the answer came from the cache.</summary>
    public const string CacheHit = "costorch.cache_hit";

    /// <summary>The scopes an invocation is charged to, broadest first.</summary>
    public const string ScopeChain = "costorch.scope_chain";

    /// <summary>A scope (<c>global</c> or <c>kind:value</c>).</summary>
    public const string Scope = "costorch.scope";

    /// <summary>The kind of a scope (<c>global</c>, <c>org</c>, <c>team</c>, ...): bounded, unlike the scope.</summary>
    public const string ScopeKind = "costorch.scope.kind";

    /// <summary>A budget window (<c>day</c>, <c>week</c>, <c>month</c>, <c>total</c>).</summary>
    public const string BudgetWindow = "costorch.budget.window";

    /// <summary>The router's worst-case estimate for the chosen provider, in cents.</summary>
    public const string EstimatedCents = "costorch.cost.estimated_cents";

    /// <summary>What the reservation held, in cents.</summary>
    public const string ReservedCents = "costorch.cost.reserved_cents";

    /// <summary>What was charged, in cents.</summary>
    public const string ActualCents = "costorch.cost.actual_cents";

    /// <summary>What a cache hit saved, in cents.</summary>
    public const string SavedCents = "costorch.cost.saved_cents";

    /// <summary>The run.</summary>
    public const string RunId = "costorch.run_id";

    /// <summary>The pipeline.</summary>
    public const string PipelineId = "costorch.pipeline_id";

    /// <summary>A run's status (as the API spells it).</summary>
    public const string RunStatus = "costorch.run.status";

    /// <summary>How many times the run was continued after it stopped (queued, or its silo died).</summary>
    public const string RunResumes = "costorch.run.resumes";

    /// <summary>The step's name.</summary>
    public const string Step = "costorch.step";

    /// <summary>The step's position in the pipeline.</summary>
    public const string StepIndex = "costorch.step.index";

    /// <summary>A step's status (as the API spells it).</summary>
    public const string StepStatus = "costorch.step.status";

    /// <summary>The fan-out item.</summary>
    public const string Item = "costorch.item";

    /// <summary>The invocation's id (as in the run record).</summary>
    public const string InvocationId = "costorch.invocation_id";

    /// <summary>Provider calls made for the invocation.</summary>
    public const string Attempts = "costorch.attempts";

    /// <summary>True when a gateway answer was streamed.</summary>
    public const string Streamed = "costorch.streamed";

    /// <summary>A reservation's outcome; see <see cref="ReservationOutcomes"/>.</summary>
    public const string ReservationOutcome = "costorch.reservation.outcome";

    /// <summary>A routing decision's outcome; see <see cref="RoutingOutcomes"/>.</summary>
    public const string RoutingOutcome = "costorch.routing.outcome";

    /// <summary>How a charge reached the ledger; see <see cref="ChargeKinds"/>.</summary>
    public const string Charge = "costorch.charge";

    /// <summary>Values of <see cref="ReservationOutcome"/>.</summary>
    public static class ReservationOutcomes
    {
        /// <summary>Written (a replay of an earlier reservation is not counted again).</summary>
        public const string Reserved = "reserved";

        /// <summary>Refused by a scope's governor.</summary>
        public const string Denied = "denied";

        /// <summary>Committed at its actual cost.</summary>
        public const string Committed = "committed";

        /// <summary>Given back unused.</summary>
        public const string Released = "released";

        /// <summary>Settled at its reserved amount without a commit (its TTL passed or its silo died).</summary>
        public const string Settled = "settled";
    }

    /// <summary>Values of <see cref="RoutingOutcome"/>.</summary>
    public static class RoutingOutcomes
    {
        /// <summary>A provider answered.</summary>
        public const string Routed = "routed";

        /// <summary>Nothing was bought: the reason is <see cref="ErrorType"/>.</summary>
        public const string Refused = "refused";

        /// <summary>Nothing fitted the budget and the step's fallback parks the run.</summary>
        public const string Queued = "queued";

        /// <summary>Nothing fitted the budget and the step's fallback degrades (an optional step is skipped).</summary>
        public const string Degraded = "degraded";
    }

    /// <summary>Values of <see cref="Charge"/>.</summary>
    public static class ChargeKinds
    {
        /// <summary>A commit's actual cost.</summary>
        public const string Committed = "committed";

        /// <summary>A reservation settled at its reserved amount without a commit.</summary>
        public const string Settled = "settled";
    }

    /// <summary>Values of <see cref="GenAiOperationName"/>.</summary>
    public static class GenAiOperations
    {
        /// <summary>A chat completion.</summary>
        public const string Chat = "chat";

        /// <summary>Any other generation by a model (speech, image, video).</summary>
        public const string GenerateContent = "generate_content";
    }

    /// <summary>Values of <see cref="ErrorType"/> for a failed provider call.</summary>
    public static class ProviderErrors
    {
        /// <summary>The call may succeed if tried again (a timeout, a 5xx, a rate limit).</summary>
        public const string Transient = "transient";

        /// <summary>Trying again will not help (a refused request, a missing program).</summary>
        public const string Permanent = "permanent";
    }
}
