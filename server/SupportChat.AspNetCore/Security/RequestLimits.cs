using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Net.Http.Headers;

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
        if (SupportChatPaths.ChatEndpointFor(http)?.Metadata.GetMetadata<HubMetadata>() is not null) return next(http);
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            // Refused from its declared length: nothing of it is read.
            return TypedResults.Problem(
                    $"The body is larger than {MaxBodyBytes / 1024} KB.",
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: "The request was not accepted.")
                .ExecuteAsync(http);
        }
        if (UnreadableCharset(http.Request) is { } charset)
        {
            // Found out only while binding, an unknown charset would be a 500 on every JSON endpoint.
            return TypedResults.Problem(
                    $"The body's charset \"{charset}\" is not one this server reads. Send it as UTF-8 (Content-Type: application/json; charset=utf-8).",
                    statusCode: StatusCodes.Status415UnsupportedMediaType,
                    title: "The request was not accepted.")
                .ExecuteAsync(http);
        }
        // A body without a declared length (chunked) is cut off by the server when it grows past the limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxBodyBytes;
        return next(http);
    });

    /// <summary>The charset a Content-Type names when .NET has no decoder for it, else null.</summary>
    private static string? UnreadableCharset(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || type.Charset is not { Length: > 0 } named) return null;
        var charset = HeaderUtilities.RemoveQuotes(named).ToString();
        try
        {
            Encoding.GetEncoding(charset);
            return null;
        }
        catch (ArgumentException)
        {
            return charset;
        }
    }
}
