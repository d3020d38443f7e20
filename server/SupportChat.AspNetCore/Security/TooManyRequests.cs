using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using SupportChat.Server.Telemetry;

namespace SupportChat.Server.Security;

/// <summary>What every limit of this server answers past its count, and whom it counts.</summary>
public static class TooManyRequests
{
    /// <summary>
    /// The client's address. Behind a trusted proxy the forwarded-headers middleware has already put the
    /// original client's address here; without one, a forwarded header changes nothing.
    /// </summary>
    public static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>
    /// A 429 with <c>Retry-After</c> (the lease's, else the whole window) and a problem body whose detail
    /// says how long to wait: the widget and the agent console turn it into a countdown.
    /// </summary>
    public static ProblemHttpResult Problem(HttpContext http, RateLimitLease lease, TimeSpan window, string title, Func<int, string> detail)
    {
        var seconds = (int)Math.Ceiling((lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : window).TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        http.RequestServices.GetService<SupportChatMetrics>()?.RateLimited(http.Request.Path);
        return TypedResults.Problem(detail(seconds), statusCode: StatusCodes.Status429TooManyRequests, title: title);
    }
}
