using System.Text;
using CostOrchestrator.Abstractions.Security;

namespace CostOrchestrator.Client.Security;

/// <summary>
/// A new API key and its secret. The node keeps only the secret's hash: this is the one time it is seen, so store it
/// now. <see cref="ToString"/> leaves the secret out, so logging this record does not leak it.
/// </summary>
public sealed record CreatedApiKey
{
    /// <summary>The key (id, name, bound scopes).</summary>
    public required ApiKey Key { get; init; }

    /// <summary>The secret to send as <c>Authorization: Bearer &lt;secret&gt;</c> (<c>costorch_sk_...</c>).</summary>
    public required string Secret { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Key = ").Append(Key).Append(", Secret = ***");
        return true;
    }
}
