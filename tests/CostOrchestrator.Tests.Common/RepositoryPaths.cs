namespace CostOrchestrator.Tests.Common;

/// <summary>Finds the repository's sample files from a test's output folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string SampleProfile => System.IO.Path.Combine(Root, "silo-config", "embedded.json");

    public static string Samples => System.IO.Path.Combine(Root, "samples");

    public static string TestOutput(string name)
    {
        var dir = System.IO.Path.Combine(Root, "test-output", name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "CostOrchestrator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CostOrchestrator.sln not found above " + AppContext.BaseDirectory);
    }
}
