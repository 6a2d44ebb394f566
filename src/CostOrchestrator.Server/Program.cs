using CostOrchestrator.Server.Hosting;

// A CostOrchestrator node: one Orleans silo serving every HTTP route on one port. Flags: --urls, --data-dir, --storage,
// --postgres, --config, --node-id, --silo-port, --gateway-port, --cluster-id, --service-id, --postgres-pool-size
// (ServerOptions.Flags; anything else is refused);
// the admin token comes from COSTORCH_ADMIN_TOKEN.
// Exit 2 (after saying why) for wrong flags or a taken port; 0 after a clean stop.
return await CostOrchestratorServer.RunAsync(args, Console.Error);

/// <summary>The entry point, visible to tests that host the server in process.</summary>
public partial class Program;
