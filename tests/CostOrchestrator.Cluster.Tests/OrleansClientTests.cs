using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Client.Hosting;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;

namespace CostOrchestrator.Cluster.Tests;

/// <summary>A .NET service joins the cluster as an Orleans client and calls the grain interfaces directly.</summary>
public sealed class OrleansClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OrleansClient_ReservesCommitsAndRunsAPipeline_ThroughTheGrainInterfaces()
    {
        await using var cluster = await AdoNetTestCluster.StartAsync(2);
        await cluster["node-1"].AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 3m));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddCostOrchestratorClient(new CostOrchestratorClusterOptions
        {
            PostgresConnectionString = cluster.SchemaConnectionString,
            ClusterId = cluster.Schema,
            ServiceId = cluster.Schema,
        });
        using var service = builder.Build();
        await service.StartAsync(Ct);
        var grains = service.Services.GetRequiredService<IGrainFactory>();

        // The service's own provider call, budgeted on the cluster: reserve the worst case, commit the actual.
        await grains.GetGrain<IBudgetGovernorGrain>("team:svc").SetPolicyAsync(new BudgetPolicy
        {
            Scope = "team:svc",
            Windows = [new BudgetWindowLimit { Window = WindowKind.Day, LimitCents = 1m }],
        }, Ct);
        var governor = grains.GetGrain<IBudgetGovernorGrain>("team:svc");
        var reservations = grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);
        var outcome = await reservations.ReserveAsync(new ReservationRequest { Chain = ["team:svc"], AmountCents = 0.75m, IdempotencyKey = "svc/1" }, Ct);
        var refused = await reservations.ReserveAsync(new ReservationRequest { Chain = ["team:svc"], AmountCents = 0.5m, IdempotencyKey = "svc/2" }, Ct);
        var committed = await reservations.CommitAsync(outcome.Reservation!.ReservationId, 0.25m, cancellationToken: Ct);

        Assert.Equal(("team:svc", 0.75m, 1m), (refused.Denial!.Scope, refused.Denial.ReservedCents, refused.Denial.LimitCents));
        Assert.Equal(ReservationState.Committed, committed!.State);
        var window = (await governor.GetBudgetAsync(Ct)).Windows[0];
        Assert.Equal((0.25m, 0m), (window.SpentCents, window.ReservedCents));

        // A pipeline submitted as JSON to its run grain, executed by a silo, read back through the client.
        var pipeline = PipelineParser.Parse("""
            { "id": "svc", "steps": [ { "name": "clip", "invoke": { "capability": "ai-video-generate", "cache": false, "inputs": { "p": "{{ input.p }}" } } } ] }
            """).Pipeline!;
        var run = grains.GetGrain<IPipelineRunGrain>("run_from_service");
        await run.StartAsync(new RunSubmission { Pipeline = pipeline, Input = JsonSerializer.SerializeToElement(new { p = "waves" }) }, Ct);
        var finished = await run.WaitAsync(Ct);

        Assert.Equal(RunStatus.Succeeded, finished!.Status);
        Assert.Equal(3m, finished.TotalCostCents);
        Assert.Equal("waves", finished.Input!.Value.GetProperty("p").GetString());
        var ledger = await cluster["node-2"].Store.GetLedgerAsync(new LedgerQuery { RunId = "run_from_service" }, Ct);
        Assert.Equal(3m, Assert.Single(ledger).ActualCents);
        await service.StopAsync(Ct);
    }
}
