using System.Reflection;

namespace CostOrchestrator.Storage.Common;

/// <summary>The numbered <c>.sql</c> migrations embedded in this assembly for one backend, in order.</summary>
internal static class EmbeddedMigrations
{
    /// <summary>(version, sql) for every <c>NNNN_name.sql</c> under <paramref name="folder"/> (e.g. "Sqlite").</summary>
    public static IReadOnlyList<(int Version, string Sql)> Load(string folder)
    {
        var assembly = typeof(EmbeddedMigrations).Assembly;
        var prefix = $"{assembly.GetName().Name}.{folder}.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Version: int.Parse(n[prefix.Length..].Split('_')[0], System.Globalization.CultureInfo.InvariantCulture), Sql: Read(assembly, n)))
            .OrderBy(m => m.Version)
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
