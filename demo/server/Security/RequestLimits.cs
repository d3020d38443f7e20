using Microsoft.AspNetCore.Http.Features;

namespace SupportChat.Server.Security;

/// <summary>
/// Bodies of the REST API are small JSON documents: anything over 64 KB is refused with a 413 problem
/// before it is read, so sixteen 25 MB bodies cannot take a gigabyte of memory. The hub has its own
/// limit per message (<c>MaximumReceiveMessageSize</c>).
/// </summary>
public static class RequestLimits
{
    public const long MaxBodyBytes = 64 * 1024;

    public static void UseRequestLimits(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.Request.Path.StartsWithSegments("/hubs")) return next(http);
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            // Refused from its declared length: nothing of it is read.
            return TypedResults.Problem(
                    $"The body is larger than {MaxBodyBytes / 1024} KB.",
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: "The request was not accepted.")
                .ExecuteAsync(http);
        }
        // A body without a declared length (chunked) is cut off by the server when it grows past the limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxBodyBytes;
        return next(http);
    });
}
