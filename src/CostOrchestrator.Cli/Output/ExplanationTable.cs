using System.Globalization;
using System.Text;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Cli.Output;

/// <summary>The table <c>costorch explain</c> prints: each step's forecast, the totals, and why a run would not fit.</summary>
internal static class ExplanationTable
{
    private const string Items = "items";
    private const string Cached = "cached";
    private const string Expected = "expected¢";
    private const string WorstCase = "worst case¢";

    public static string Render(PipelineExplanation explanation)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"pipeline {explanation.PipelineId}  {(explanation.Fits ? "fits" : "does not fit")}");
        var table = new TextTable("step", "capability", "provider", Items, Cached, Expected, WorstCase).AlignRight(Items, Cached, Expected, WorstCase);
        foreach (var step in explanation.Steps)
        {
            table.Add(
                // An optional step is skipped when nothing fits, so whether the run fits does not depend on it.
                step.Optional ? step.Name + " (optional)" : step.Name,
                step.Capability,
                step.ProviderId ?? "-",
                step.Items.ToString(CultureInfo.InvariantCulture),
                step.CachedItems.ToString(CultureInfo.InvariantCulture),
                RunTable.Cents(step.ExpectedCents),
                RunTable.Cents(step.WorstCaseCents));
        }

        table.AppendTo(text);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"total expected {RunTable.Cents(explanation.ExpectedCents)}¢, worst case {RunTable.Cents(explanation.WorstCaseCents)}¢{(explanation.RunBudgetCents is { } budget ? $", run budget {RunTable.Cents(budget)}¢" : string.Empty)}");
        foreach (var step in explanation.Steps.Where(s => s.Note is not null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"note {step.Name}: {step.Note}");
        }

        foreach (var problem in explanation.Problems)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"problem: {problem}");
        }

        return text.ToString();
    }
}
