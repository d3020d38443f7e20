using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SupportChat.Server;
using SupportChat.Server.Auth;
using SupportChat.Server.Availability;
using SupportChat.Server.Chats;
using SupportChat.Server.Conversations;
using SupportChat.Server.Data;
using SupportChat.Server.Files;
using SupportChat.Server.Groups;
using SupportChat.Server.Hubs;
using SupportChat.Server.Security;
using SupportChat.Server.Telemetry;
using SupportChat.Server.Users;
using SupportChat.Server.Visitors;

// In the namespace of AddSignalR() and AddAuthentication(), so the one line needs no using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>What <c>AddSupportChat()</c> registered, for the few things a host adds on top (a SignalR backplane, its own DbContext).</summary>
public sealed class SupportChatBuilder(IServiceCollection services, ISignalRServerBuilder signalR)
{
    public IServiceCollection Services { get; } = services;

    public ISignalRServerBuilder SignalR { get; } = signalR;

    /// <summary>
    /// Keep the chat in the app's own <c>DbContext</c>, which derives from <see cref="ChatDb"/> and is
    /// registered by the app (<c>AddDbContext&lt;TContext&gt;</c>) with its own provider and migrations.
    /// </summary>
    public SupportChatBuilder UseDbContext<TContext>()
        where TContext : ChatDb
    {
        Services.RemoveAll<ChatDb>();
        Services.AddScoped<ChatDb>(sp => sp.GetRequiredService<TContext>());
        return this;
    }
}

public static class SupportChatServiceCollectionExtensions
{
    /// <summary>
    /// The chat's services: settings from the <c>SupportChat</c> configuration section, the
    /// <c>SUPPORTCHAT_*</c> variables and then <paramref name="configure"/>, checked as the app starts; the
    /// store (SQLite, or PostgreSQL when <c>Postgres</c> is set); the widget's token scheme; SignalR; the
    /// rate limits, the Origin check and the CORS policy for the chat's own paths.
    /// </summary>
    public static SupportChatBuilder AddSupportChat(this IServiceCollection services, Action<SupportChatOptions>? configure = null)
    {
        services.AddOptions<SupportChatOptions>()
            .BindConfiguration(SupportChatOptions.Section)
            .Configure<IConfiguration>((options, configuration) => options.ApplyEnvironment(configuration))
            .Configure(options => configure?.Invoke(options))
            .PostConfigure<IHostEnvironment>((options, env) => options.ResolvePaths(env.ContentRootPath))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SupportChatOptions>, StartupChecksValidation>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<SupportChatOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);

        services.AddChatDb();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<SupportChatOptions>();
            return new Tokens(options, Tokens.LoadKey(options, options.Database), sp.GetRequiredService<TimeProvider>());
        });
        services.AddScoped<ConversationAccess>();
        services.AddScoped<SupportChatUsers>();
        services.AddUserAccounts();
        services.AddSupportChatAuthentication();

        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<SupportChatOptions>((cors, options) =>
            cors.AddPolicy(SupportChatPaths.CorsPolicy, policy => policy
                .WithOrigins(options.EffectiveOrigins())
                .AllowCredentials()
                .AllowAnyHeader()
                .AllowAnyMethod()
                // The widget on another origin reads it to show how long a rate-limited visitor must wait.
                .WithExposedHeaders("Retry-After")));

        services.AddApiProblems();
        services.AddTextInputChecks();
        services.AddSingleton<SendRateLimit>();
        services.AddSingleton<UploadRateLimit>();
        services.AddSingleton<UploadSlots>();
        services.AddFileStore();
        services.TryAddSingleton<FileUrls>();
        services.AddHostedService<UnattachedFileSweep>();
        services.AddSingleton<NewVisitorLimit>();
        services.AddSingleton<NewGroupLimit>();
        services.AddSingleton<ConnectionsPerUser>();
        services.AddSingleton<ReadReceipts>();
        // Stopped with the host, so the marks coalesced in the current interval are stored rather than lost.
        services.AddHostedService(sp => sp.GetRequiredService<ReadReceipts>());
        services.AddSingleton<TeamAvailability>();
        // Started with the host, so every instance keeps its consoles' rows fresh and sweeps a dead instance's.
        services.AddHostedService(sp => sp.GetRequiredService<TeamAvailability>());
        services.AddSingleton<SupportChatPaths.ChatRoutes>();
        services.AddSingleton<SupportChatPaths.MappedOnce>();
        services.AddMetrics();
        services.TryAddSingleton<SupportChatMetrics>();
        services.AddSingleton<SupportChatStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<SupportChatStartup>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<Microsoft.AspNetCore.Hosting.IStartupFilter, SupportChatPaths.Filter>());

        // Options of this hub only: the app's own hubs keep theirs.
        var signalR = services.AddSignalR().AddHubOptions<GroupChatHub>(hub =>
        {
            hub.MaximumReceiveMessageSize = 32 * 1024;
            hub.AddFilter<HubRefusals>();
        });
        return new SupportChatBuilder(services, signalR);
    }
}
