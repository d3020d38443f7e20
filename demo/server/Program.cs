using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;
using SupportChat.Server;
using SupportChat.Server.Auth;
using SupportChat.Server.Chats;
using SupportChat.Server.Data;
using SupportChat.Server.Groups;
using SupportChat.Server.Hubs;
using SupportChat.Server.Security;
using SupportChat.Server.Users;
using SupportChat.Server.Visitors;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<SupportChatOptions>()
    .BindConfiguration(SupportChatOptions.Section)
    .PostConfigure<IConfiguration, IHostEnvironment>((options, configuration, env) =>
    {
        options.ApplyEnvironment(configuration);
        options.Demo |= env.IsDevelopment();
        options.ResolvePaths(env.ContentRootPath);
    });
builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<SupportChatOptions>>().Value);

var port = builder.Configuration.GetValue("PORT", builder.Configuration.GetValue($"{SupportChatOptions.Section}:Port", 5080));
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddChatDb();
builder.Services.AddSingleton(sp =>
{
    var options = sp.GetRequiredService<SupportChatOptions>();
    return new Tokens(options, Tokens.LoadKey(options, options.Database), sp.GetRequiredService<TimeProvider>());
});
builder.Services.AddScoped<ConversationAccess>();
builder.Services.AddUserAccounts();

builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
    .Configure<Tokens, SupportChatOptions>((jwt, tokens, options) =>
    {
        // Keep claim names as they are in the token: the user id is read by its seed name.
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = options.JwtIssuer,
            ValidAudience = options.JwtIssuer,
            IssuerSigningKey = tokens.Key,
            NameClaimType = "name",
            RoleClaimType = "role",
            // The server that issues a token is the one that checks it: there is no clock to be out of step with.
            ClockSkew = TimeSpan.Zero,
        };
        jwt.Events = new JwtBearerEvents
        {
            // Browsers cannot set headers on a WebSocket or an EventSource, so the client puts the
            // token in the query string; accept it there on the hub path only.
            OnMessageReceived = context =>
            {
                if (context.HttpContext.Request.Path.StartsWithSegments(GroupChatHub.Path)
                    && context.Request.Query["access_token"] is { Count: > 0 } token)
                {
                    context.Token = token;
                }
                return Task.CompletedTask;
            },
            OnTokenValidated = AgentTokens.RefuseFormerAgents,
        };
    });
builder.Services.AddAuthorization();

builder.Services.AddCors();
builder.Services.AddOptions<CorsOptions>().Configure<SupportChatOptions>((cors, options) =>
    cors.AddDefaultPolicy(policy => policy
        .WithOrigins(options.EffectiveOrigins())
        .AllowCredentials()
        .AllowAnyHeader()
        .AllowAnyMethod()
        // The widget on another origin reads it to show how long a rate-limited visitor must wait.
        .WithExposedHeaders("Retry-After")));

builder.Services.AddApiProblems();
builder.Services.AddTextInputChecks();
builder.Services.AddOpenApi();
builder.Services.AddSendRateLimit();
builder.Services.AddClientIpLimits();
builder.Services.AddSingleton<NewVisitorLimit>();
builder.Services.AddSingleton<NewGroupLimit>();
builder.Services.AddTrustedProxies();
builder.Services.AddSingleton<ConnectionsPerUser>();
var signalR = builder.Services.AddSignalR(hub =>
{
    hub.MaximumReceiveMessageSize = 32 * 1024;
    hub.AddFilter<HubRefusals>();
});
// Whether there is a backplane at all is decided here, from the environment, as the server starts.
if (builder.Configuration["SUPPORTCHAT_REDIS"] is { Length: > 0 } redis)
{
    signalR.AddStackExchangeRedis(redis, options => options.Configuration.ChannelPrefix = RedisChannel.Literal("support-chat"));
}

var app = builder.Build();

var settings = app.Services.GetRequiredService<SupportChatOptions>();
// No default secrets outside the demo, and no agent rights for someone else's account: one line says why.
if (StartupChecks.Refusal(settings) is { } refusal) return Refuse(refusal);
if (settings.Demo) Console.WriteLine(StartupChecks.DemoNotice(settings));
if (await Seed.RunAsync(app.Services) is { } seedRefusal) return Refuse(seedRefusal);
// The signing key is loaded now, not at the first token: a generated key file is written, or an old one
// narrowed to 0600, before the server answers anyone.
app.Services.GetRequiredService<Tokens>();

// First, so everything after sees the client's address and scheme as the trusted proxy reported them.
app.UseTrustedProxies(settings);
app.UseSecurityHeaders();
app.UseApiProblems();
app.UseRequestLimits();

var demo = new DemoFiles(settings.DemoPath);
app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = demo });
app.UseStaticFiles(new StaticFileOptions
{
    FileProvider = demo,
    OnPrepareResponse = file =>
    {
        file.Context.Response.Headers.CacheControl = "no-cache";
        // The demo pages run under the strict policy a careful shop would set, to show the widget needs nothing looser.
        file.Context.Response.Headers.ContentSecurityPolicy = DemoFiles.ContentSecurityPolicy(settings);
    },
});
if (Directory.Exists(settings.DistPath))
{
    app.UseStaticFiles(new StaticFileOptions
    {
        RequestPath = "/dist",
        FileProvider = new PhysicalFileProvider(settings.DistPath),
        ContentTypeProvider = new FileExtensionContentTypeProvider { Mappings = { [".map"] = "application/json" } },
        OnPrepareResponse = file =>
        {
            // The widget is public code that any site may load as a module script, which needs CORS.
            file.Context.Response.Headers.AccessControlAllowOrigin = "*";
            file.Context.Response.Headers.CacheControl = "no-cache";
        },
    });
}

app.UseCors();
app.UseMiddleware<OriginGate>();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseConnectionCap();

if (settings.OpenApi ?? settings.Demo) app.MapOpenApi();
app.MapGet("/health", (SupportChatOptions options) =>
        TypedResults.Ok(new { status = "ok", instance = options.InstanceName.Length > 0 ? options.InstanceName : null }))
    .ExcludeFromDescription();
app.MapHub<GroupChatHub>(GroupChatHub.Path, hub =>
{
    // A short WebSocket blip is bridged by replaying unacknowledged messages, before any catch-up is needed.
    hub.AllowStatefulReconnects = true;
    // An expired token ends the connection; the client reconnects with a fresh one, or not at all.
    hub.CloseOnAuthenticationExpiration = true;
});
app.MapNegotiateRedirect();
app.MapChatEndpoints();
app.MapUserEndpoints();
app.MapVisitorEndpoints();
app.MapGroupEndpoints();

app.Run();
return 0;

static int Refuse(string reason)
{
    Console.Error.WriteLine(reason);
    return 1;
}

/// <summary>Visible to the tests' <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
