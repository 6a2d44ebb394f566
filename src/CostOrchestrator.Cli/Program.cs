using System.CommandLine;
using CostOrchestrator.Cli.Commands;

// `costorch`: run pipelines on an embedded node (and, later, against a running node).
var root = new RootCommand("CostOrchestrator: budget-enforced pipelines for AI and media providers.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(RemoteCommands.Submit());
root.Subcommands.Add(RemoteCommands.Runs());
root.Subcommands.Add(RemoteCommands.Budgets());

// `--input @file.json` names a JSON file; System.CommandLine would otherwise expand it as a response file.
return await root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null }).InvokeAsync();
