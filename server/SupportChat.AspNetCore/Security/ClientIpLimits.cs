using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace SupportChat.Server.Security;

/// <summary>
/// Ceilings per client IP on whole endpoints, standing behind the per-user limits: a visitor identity
/// costs nothing, so without them one address could send through a hundred of them. An endpoint opts in
/// with <see cref="RequirePerIpLimit{TBuilder}"/>; a refusal is the rate limiter's, a 429 with
/// <c>Retry-After</c> and a problem body (<c>SendRateLimit</c>). New visitors are counted where they are
/// made instead (<c>NewVisitorLimit</c>), since a returning visitor calls the same endpoint.
/// </summary>
public static class ClientIpLimits
{
    /// <summary>Which ceiling an endpoint stands behind, and where its limit is set.</summary>
    public sealed record Ceiling(string Name, Func<SupportChatOptions, (int Limit, TimeSpan Window)> Read);

    public static readonly Ceiling Sends = new("sends", o => (o.SendLimitPerIp, o.SendWindow));

    public static TBuilder RequirePerIpLimit<TBuilder>(this TBuilder endpoint, Ceiling ceiling)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(ceiling);

    /// <summary>The global limiter of <c>UseRateLimiter</c>: per IP, for endpoints that name a ceiling.</summary>
    public static IServiceCollection AddClientIpLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimiterOptions>().Configure<SupportChatOptions>((limiter, options) =>
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                if (http.GetEndpoint()?.Metadata.GetMetadata<Ceiling>() is not { } ceiling) return RateLimitPartition.GetNoLimiter("");
                var (limit, window) = ceiling.Read(options);
                var client = TooManyRequests.ClientIp(http);
                return RateLimitPartition.GetFixedWindowLimiter(
                    $"{ceiling.Name}:{client}",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = window, QueueLimit = 0 });
            }));
        return services;
    }
}
