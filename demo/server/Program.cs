using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using StackExchange.Redis;
using SupportChat.Server;
using SupportChat.Server.Auth;
using SupportChat.Server.Security;
using SupportChat.Server.Telemetry;

var builder = WebApplication.CreateBuilder(args);

// The reference server is a thin host over the package: the chat is the two lines any app adds, and
// what is left here is the demo's (its pages, the built widget, the port, /health and the OpenAPI document).
// One machine needs no key configured: the server makes one and keeps it beside its database.
var chat = builder.Services.AddSupportChat(options => options.GenerateJwtKey = true);
builder.Services.AddOptions<SupportChatOptions>().PostConfigure<IHostEnvironment>((options, env) =>
{
    options.Demo |= env.IsDevelopment();
    // The server serves pages of its own (the demo, the agent console): without SUPPORTCHAT_ORIGINS, they may call it.
    if (options.AllowedOrigins.Length == 0) options.AllowedOrigins = options.OwnOrigins();
});

builder.Services.AddOpenApi();
// Whether there is a backplane at all is decided here, as services are registered: before the settings
// exist as options, so this one is read from the configuration, under both of its names.
if ((builder.Configuration["SUPPORTCHAT_REDIS"] ?? builder.Configuration[$"{SupportChatOptions.Section}:Redis"]) is { Length: > 0 } redis)
{
    AddRedis(chat, redis);
}
// Metrics and traces over OTLP to the collector the standard variable names (OTEL_EXPORTER_OTLP_PROTOCOL,
// OTEL_SERVICE_NAME and the rest are read too); without it nothing is collected, at no cost. Not the log:
// its warnings quote what callers sent (escaped), which stays on this machine rather than in a collector.
if (builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 }) AddOpenTelemetry(builder.Services);
// Data Protection (which AddAuthentication registers) reads or makes its key ring as the host starts, XML
// and all, for cookies and antiforgery tokens this server has none of (were one added, the ring loads at first use).
if (builder.Services.FirstOrDefault(service => service.ImplementationType?.Name == "DataProtectionHostedService") is { } preload)
{
    builder.Services.Remove(preload);
}

var app = builder.Build();

// No default secrets outside the demo, and no agent rights for someone else's account: one line says why,
// printed here rather than thrown by the host. The database and the signing key are ready after this.
if (await app.Services.GetRequiredService<SupportChatStartup>().PrepareAsync() is { } refusal) return Refuse(refusal);
var settings = app.Services.GetRequiredService<SupportChatOptions>();
// The port from the settings (PORT, or SupportChat:Port), read once with the rest.
app.Urls.Add($"http://127.0.0.1:{settings.Port}");
if (settings.Demo) Console.WriteLine(StartupChecks.DemoNotice(settings));

app.UseSecurityHeaders();
// The chat's own paths have these from the package already; here they cover the demo's pages and /health.
app.UseApiProblems();

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

app.UseAuthentication();
app.UseAuthorization();
app.UseSupportChat();

if (settings.OpenApi ?? settings.Demo) app.MapOpenApi();
app.MapGet("/health", (SupportChatOptions options) =>
        TypedResults.Ok(new { status = "ok", instance = options.InstanceName.Length > 0 ? options.InstanceName : null }))
    .ExcludeFromDescription();
app.MapSupportChatEndpoints();

app.Run();
return 0;

// The backplane and the exporters in functions of their own: compiling a method loads the assemblies of every
// type it names, and a server without Redis or a collector then never loads theirs (issue 16).
static void AddRedis(SupportChatBuilder chat, string redis) =>
    chat.SignalR.AddStackExchangeRedis(redis, options => options.Configuration.ChannelPrefix = RedisChannel.Literal("support-chat"));

static void AddOpenTelemetry(IServiceCollection services) =>
    services.AddOpenTelemetry()
        .ConfigureResource(resource => resource.AddService("support-chat"))
        .WithMetrics(metrics => metrics.AddMeter(
            SupportChatMetrics.Name,
            // ASP.NET Core's own: requests and their durations, Kestrel's connections, SignalR's transports.
            "Microsoft.AspNetCore.Hosting",
            "Microsoft.AspNetCore.Server.Kestrel",
            "Microsoft.AspNetCore.Http.Connections").AddOtlpExporter())
        .WithTracing(tracing => tracing.AddSource(SupportChatMetrics.Name, "Microsoft.AspNetCore").AddOtlpExporter());

static int Refuse(string reason)
{
    Console.Error.WriteLine(reason);
    return 1;
}

/// <summary>Visible to the tests' <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
