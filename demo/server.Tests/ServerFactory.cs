using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace SupportChat.Server.Tests;

/// <summary>
/// The reference server in memory, with its own fresh SQLite database and a known agent. A fixture that
/// needs other settings or a test hook derives from it.
/// </summary>
public class ServerFactory : WebApplicationFactory<Program>
{
    public const string AllowedOrigin = "https://shop.example";
    public const string AgentEmail = "agent@test.example";
    public const string AgentPassword = "agent-password";

    private readonly string folder = Directory.CreateTempSubdirectory("support-chat-tests-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(ServerProjectFolder());
        builder.UseSetting("SUPPORTCHAT_DB", Path.Combine(folder, "chat.db"));
        builder.UseSetting("SUPPORTCHAT_ORIGINS", AllowedOrigin);
        builder.UseSetting("SUPPORTCHAT_AGENT_EMAIL", AgentEmail);
        builder.UseSetting("SUPPORTCHAT_AGENT_PASSWORD", AgentPassword);
        // Every test client comes from one address (none, in memory): the per-IP ceilings are tested by
        // fixtures of their own, and out of the way of the rest.
        builder.UseSetting("SUPPORTCHAT_VISITOR_LIMIT_PER_IP", "100000");
        builder.UseSetting("SUPPORTCHAT_SEND_LIMIT_PER_IP", "100000");
        builder.UseSetting("SUPPORTCHAT_UPLOAD_LIMIT_PER_IP", "100000");
        builder.UseSetting("SUPPORTCHAT_GROUP_LIMIT_PER_USER", "100000");
        builder.UseSetting("SUPPORTCHAT_GROUP_LIMIT_PER_IP", "100000");
        // Tests sign in again and again from one address; the sign-in limits have tests of their own.
        builder.UseSetting("SUPPORTCHAT_SIGNIN_IP_LIMIT", "10000");
        builder.UseSetting("SUPPORTCHAT_SIGNIN_ACCOUNT_LIMIT", "10000");
        builder.UseSetting("SUPPORTCHAT_SIGNIN_ACCOUNT_CEILING", "10000");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    /// <summary>Settings over the defaults above, for a fixture that tests a limit.</summary>
    protected virtual IEnumerable<(string Key, string Value)> Settings => [];

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        // Dispose runs once for DisposeAsync and once more for Dispose.
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    public HttpClient ClientWith(string? token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<string> AgentToken()
    {
        var response = await CreateClient().PostAsJsonAsync("/users/login", new { email = AgentEmail, password = AgentPassword });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenAnswer>())!.Token;
    }

    /// <summary>A new anonymous visitor with their own conversation.</summary>
    public async Task<VisitorAnswer> NewVisitor(string? name = null)
    {
        var response = await ClientWith(null).PostAsJsonAsync("/visitors", new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<VisitorAnswer>())!;
    }

    /// <summary>A request as from a client at <paramref name="ip"/>: the in-memory server has no addresses of its own.</summary>
    public async Task<Answer> SendFrom(string ip, string method, string path, string? json = null, string? token = null, params (string Name, string Value)[] headers)
    {
        var context = await Server.SendAsync(http =>
        {
            http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(ip);
            http.Request.Method = method;
            var (address, query) = path.Split('?') is [var p, var q] ? (p, "?" + q) : (path, "");
            http.Request.Path = address;
            http.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query);
            if (token is not null) http.Request.Headers.Authorization = $"Bearer {token}";
            foreach (var (name, value) in headers) http.Request.Headers[name] = value;
            if (json is not null)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(json);
                http.Request.ContentType = "application/json";
                http.Request.ContentLength = bytes.Length;
                http.Request.Body = new MemoryStream(bytes);
                http.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>(new HasBody());
            }
        });
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return new Answer(context.Response.StatusCode, context.Response.Headers, body);
    }

    private sealed class HasBody : Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    public sealed record Answer(int Status, Microsoft.AspNetCore.Http.IHeaderDictionary Headers, string Body);

    /// <summary>A SignalR client on the in-memory server (long polling: the test server has no sockets to spare).</summary>
    public HubConnection Hub(string? token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(Server.BaseAddress, "hubs/groupchat"), options =>
            {
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => Server.CreateHandler();
                if (token is not null) options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();

    internal static string ServerProjectFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "demo", "server");
            if (File.Exists(Path.Combine(candidate, "SupportChat.Server.csproj"))) return candidate;
        }
        throw new InvalidOperationException("demo/server not found above the test assembly.");
    }
}

public sealed record TokenAnswer(string Token, bool Success);

public sealed record VisitorAnswer(string Token, int UserId, int GroupId);

public sealed record ChatAnswer(int Id, string Name, string Message, int UserId, string? UserAvatarUrl, bool IsMe, int GroupId, DateTime CreatedAt, string? ClientMessageId);

public sealed record ChatsAnswer(List<ChatAnswer> Chats);

public sealed record SendAnswer(bool Success, ChatAnswer Chat);
