namespace SupportChat.SeedServer;

/// <summary>
/// Set by the tests' start helper (<c>scripts/seed-server.mjs</c>) through <c>Seed__*</c> environment
/// variables; the address comes from <c>ASPNETCORE_URLS</c>.
/// </summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>The JSON file that holds users and chats, so a killed and restarted server keeps them.</summary>
    public string DataFile { get; set; } = "";

    /// <summary>A base64 HMAC key. The helper passes the same one on every start, so tokens outlive a restart.</summary>
    public string JwtKey { get; set; } = "";

    /// <summary>The folder served at <c>/</c>: the test page, so the widget runs on this server's own origin (there is no CORS).</summary>
    public string PagesPath { get; set; } = "";

    /// <summary>The built widget (<c>dist/</c>), served at <c>/dist</c>.</summary>
    public string DistPath { get; set; } = "";

    public const string Issuer = "seed-server";
}
