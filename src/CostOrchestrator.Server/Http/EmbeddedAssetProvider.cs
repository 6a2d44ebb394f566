using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace CostOrchestrator.Server.Http;

/// <summary>
/// Static files compiled into an assembly as embedded resources, read once and served from memory with a content
/// type and an ETag (the idea of Orleans' <c>Dashboard/EmbeddedAssetProvider.cs</c>): a node needs no web root.
/// </summary>
public sealed class EmbeddedAssetProvider
{
    private static readonly FrozenDictionary<string, string> _contentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".json"] = "application/json; charset=utf-8",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, EmbeddedAsset> _assets;

    /// <summary>Loads every resource of <paramref name="assembly"/> whose logical name starts with <paramref name="prefix"/>.</summary>
    public EmbeddedAssetProvider(Assembly assembly, string prefix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var assets = new Dictionary<string, EmbeddedAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var file = name[prefix.Length..];
            assets[file] = new EmbeddedAsset(bytes, ContentTypeOf(file), "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
        }

        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The file names held, e.g. <c>index.html</c>.</summary>
    public IEnumerable<string> Files => _assets.Keys;

    /// <summary>The asset named <paramref name="file"/>, or null.</summary>
    public EmbeddedAsset? Find(string file) => _assets.GetValueOrDefault(file);

    private static string ContentTypeOf(string file) =>
        _contentTypes.TryGetValue(Path.GetExtension(file), out var type) ? type : "application/octet-stream";
}
