using CostOrchestrator.Server.Hosting;

// A CostOrchestrator node: every route of DESIGN.md §5 on one port. Flags: --urls, --data-dir, --storage,
// --postgres, --config, --node-id; the admin token comes from COSTORCH_ADMIN_TOKEN.
var app = CostOrchestratorServer.Create(args);
if (app is null)
{
    return 2;
}

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to tests that host the server in process.</summary>
public partial class Program;
