using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Net.Http.Headers;

namespace SupportChat.Server.Security;

/// <summary>
/// Bodies of the REST API are small JSON documents: anything over 64 KB is refused with a 413 problem
/// before it is read, so sixteen 25 MB bodies cannot take a gigabyte of memory. The file upload, marked
/// <see cref="FileUpload"/>, takes <see cref="SupportChatOptions.MaxFileBytes"/> and room for the multipart
/// framing around it: set here, from the option, so the server's own limit (Kestrel's 30 MB) never answers
/// first with a bare 413. The hub has its own limit per message (<c>MaximumReceiveMessageSize</c>).
/// </summary>
public static class RequestLimits
{
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>Room for a multipart body's boundaries and part headers around the file itself.</summary>
    public const long MultipartAllowance = 64 * 1024;

    /// <summary>The metadata of the endpoint that takes a file.</summary>
    public sealed class FileUpload;

    public static void UseRequestLimits(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var endpoint = SupportChatPaths.ChatEndpointFor(http);
        if (endpoint?.Metadata.GetMetadata<HubMetadata>() is not null) return next(http);
        var maxFile = endpoint?.Metadata.GetMetadata<FileUpload>() is not null ? http.RequestServices.GetRequiredService<SupportChatOptions>().MaxFileBytes : (long?)null;
        var limit = maxFile is { } file ? file + MultipartAllowance : MaxBodyBytes;
        if (http.Request.ContentLength > limit)
        {
            // Refused from its declared length: nothing of it is read.
            return TypedResults.Problem(
                    maxFile is { } max ? $"The file is larger than {Sizes.Describe(max)}." : $"The body is larger than {MaxBodyBytes / 1024} KB.",
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
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
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

public static class Sizes
{
    /// <summary>A byte count as people say it: "10 MB", "512 KB", "1,500 bytes".</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1024 * 1024 when bytes % (1024 * 1024) == 0 => $"{bytes / (1024 * 1024)} MB",
        >= 1024 when bytes % 1024 == 0 => $"{bytes / 1024} KB",
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes:N0} bytes"),
    };
}
