namespace CostOrchestrator.Server.Http;

/// <summary>One embedded file: its bytes, content type and strong ETag.</summary>
public sealed record EmbeddedAsset(byte[] Content, string ContentType, string ETag);
