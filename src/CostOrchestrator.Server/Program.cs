using CostOrchestrator.Server.Hosting;

// A CostOrchestrator node: one Orleans silo serving every HTTP route on one port. Flags: --urls, --data-dir, --storage,
// --postgres, --config, --node-id, --silo-port, --gateway-port, --cluster-id, --service-id, --postgres-pool-size;
// the admin token comes from COSTORCH_ADMIN_TOKEN.
var app = CostOrchestratorServer.Create(args);
if (app is null)
{
    return 2;
}

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to tests that host the server in process.</summary>
public partial class Program;
