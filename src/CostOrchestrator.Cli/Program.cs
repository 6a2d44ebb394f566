using System.CommandLine;
using CostOrchestrator.Cli.Commands;

// `costorch`: run, explain and simulate pipelines on an embedded node, or submit them to and report on a running node.
var root = new RootCommand("CostOrchestrator: budget-enforced pipelines for AI and media providers.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(SimulateCommand.Create());
root.Subcommands.Add(RemoteCommands.Submit());
root.Subcommands.Add(RemoteCommands.Runs());
root.Subcommands.Add(RemoteCommands.Budgets());
root.Subcommands.Add(ReportCommand.Create());
root.Subcommands.Add(ExplainCommand.Create());

// `--input @file.json` names a JSON file; System.CommandLine would otherwise expand it as a response file.
var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

// Bad input (an unknown flag, a missing value) exits 2 like every other bad input, after System.CommandLine has
// printed every error and the usage; help itself still exits 0.
var exit = await parsed.InvokeAsync();
return parsed.Errors.Count > 0 ? 2 : exit;
