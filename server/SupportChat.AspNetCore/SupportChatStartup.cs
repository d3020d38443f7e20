using Microsoft.Extensions.Options;
using SupportChat.Server.Auth;
using SupportChat.Server.Data;

namespace SupportChat.Server;

/// <summary>
/// What must be true before the app serves anyone: the settings pass <see cref="StartupChecks"/>, the
/// database is migrated and the configured agent is the only one, and the signing key is loaded (a
/// generated key file written, or an old one narrowed to 0600). It runs once, as the host starts and before
/// the server listens; a host that wants to print the refusal itself calls <see cref="PrepareAsync"/> first.
/// </summary>
public sealed class SupportChatStartup(IServiceProvider services) : IHostedLifecycleService
{
    private readonly Lazy<Task<string?>> prepared = new(() => RunAsync(services));

    /// <summary>Null when the app may start, else the one sentence that says why not.</summary>
    public Task<string?> PrepareAsync() => prepared.Value;

    private static async Task<string?> RunAsync(IServiceProvider services)
    {
        try
        {
            // Reading the settings runs their validation (StartupChecks), the same that ValidateOnStart runs.
            _ = services.GetRequiredService<IOptions<SupportChatOptions>>().Value;
        }
        catch (OptionsValidationException invalid)
        {
            return invalid.Failures.First();
        }
        if (await Seed.RunAsync(services) is { } refusal) return refusal;
        services.GetRequiredService<Tokens>();
        return null;
    }

    /// <summary>Before any hosted service starts, so before Kestrel listens.</summary>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        // The same exception as ValidateOnStart's, its message the one sentence.
        if (await PrepareAsync() is { } refusal) throw new OptionsValidationException(SupportChatOptions.Section, typeof(SupportChatOptions), [refusal]);
        var options = services.GetRequiredService<SupportChatOptions>();
        if (options.Demo)
        {
            // In every app's log, not only on the reference server's console: a setting can switch the demo on in production.
            services.GetRequiredService<ILoggerFactory>().CreateLogger("SupportChat").LogWarning("{Notice}", StartupChecks.DemoNotice(options));
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Runs <see cref="StartupChecks"/> as options validation, so <c>ValidateOnStart</c> fails fast with its sentence.</summary>
internal sealed class StartupChecksValidation : IValidateOptions<SupportChatOptions>
{
    public ValidateOptionsResult Validate(string? name, SupportChatOptions options) =>
        StartupChecks.Refusal(options) is { } refusal ? ValidateOptionsResult.Fail(refusal) : ValidateOptionsResult.Success;
}
