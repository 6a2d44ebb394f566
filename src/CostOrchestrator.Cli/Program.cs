using System.CommandLine;
using CostOrchestrator.Cli.Commands;

// `costorch`: run pipelines on an embedded node (and, later, against a running node).
var root = new RootCommand("CostOrchestrator: budget-enforced pipelines for AI and media providers.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
return await root.Parse(args).InvokeAsync();
