using System.Buffers;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using SupportChat.Server.Auth;
using SupportChat.Server.Data;
using SupportChat.Server.Security;

namespace SupportChat.Server.Files;

public static class FileEndpoints
{
    public static void MapFileEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/chats/{groupId:int}/files", Upload)
            .RequireAuthorization(SupportChatAuth.Policy)
            .RequireRateLimit<UploadRateLimit>()
            .WithMetadata(new RequestLimits.FileUpload())
            .WithSummary("Uploads a file to a conversation; a message then names it in attachments.")
            .WithDescription("multipart/form-data with the file in the field \"file\". The type is found from the content: PNG, JPEG, GIF, WebP, PDF or UTF-8 text; anything else is a 415. Image metadata is dropped. 400 for a second file part; 413 over the size limit (10 MB by default) or when the conversation holds its most; 429 with Retry-After when uploading too fast or holding too many unsent files; 503 with Retry-After when the server reads as many uploads as it may. Answers the file record with a short-lived signed url.")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapMethods("/files/{id}", [HttpMethods.Get, HttpMethods.Head], Download)
            .WithName(FileUrls.RouteName)
            .WithSummary("A file, by the signed link a message or an upload carries.")
            .WithDescription("No token: the link's signature and expiry are the permission. 403 when the link is expired or not this server's. HEAD answers the headers alone.");
    }

    private static async Task<Results<Created<FileDto>, ForbidHttpResult, ProblemHttpResult>> Upload(
        int groupId, HttpContext http, ClaimsPrincipal user, ConversationAccess access, ChatDb db, IFileStore store, FileUrls urls,
        SupportChatOptions options, TimeProvider clock, UploadSlots slots, CancellationToken cancel)
    {
        // Asked before the body is read: a stranger's upload is refused unread.
        if (!await access.CanAccessAsync(user, groupId, cancel)) return TypedResults.Forbid();
        var uploaderId = user.UserId()!.Value;
        // Asked before the body is read too, so a user at the cap is not made to send 10 MB to hear it.
        if (await OverQuotaAsync(http, db, options, clock, uploaderId, groupId, 0, cancel) is { } full) return full;

        using var slot = slots.TryTake();
        if (slot is null)
        {
            http.Response.Headers.RetryAfter = "2";
            return TypedResults.Problem(
                "The server is taking in as many files as it can right now. Try again in a few seconds.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The server is busy.");
        }
        var upload = await ReadFileAsync(http.Request, options.MaxFileBytes, cancel);
        try
        {
            if (upload.Problem is { } problem) return problem;
            var verdict = FileContent.Inspect(upload.Buffer, upload.Length);
            if (verdict.Refusal is { } refusal)
            {
                return TypedResults.Problem(refusal, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The file was not accepted.");
            }
            // Two uploads at once may both pass this; the overshoot is one file per upload in flight at most.
            if (await OverQuotaAsync(http, db, options, clock, uploaderId, groupId, verdict.Content.Length, cancel) is { } over) return over;

            var file = new ChatFile
            {
                Id = FileIds.New(),
                GroupId = groupId,
                UploaderId = uploaderId,
                Name = FileNames.ForDisplay(upload.Name, verdict.ContentType!),
                Size = verdict.Content.Length,
                ContentType = verdict.ContentType!,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            // Bytes first, row second: a row never names bytes that are not there. Bytes without a row (the save
            // failed) are removed here, or by the sweep (UnattachedFileSweep) if that fails too.
            await store.SaveAsync(file.Id, verdict.Content, file.ContentType, cancel);
            db.Files.Add(file);
            try
            {
                await db.SaveChangesAsync(cancel);
            }
            catch
            {
                await store.DeleteAsync(file.Id, CancellationToken.None);
                throw;
            }
            var record = urls.Describe(http, file);
            return TypedResults.Created(record.Url, record);
        }
        finally
        {
            if (upload.Buffer.Length > 0) ArrayPool<byte>.Shared.Return(upload.Buffer);
        }
    }
    /// <summary>
    /// A 429 when the user's files not yet sent, with <paramref name="adding"/> more, pass
    /// <see cref="SupportChatOptions.MaxPendingFileBytes"/> (Retry-After: when the oldest is swept); a 413 when
    /// the conversation's files would pass <see cref="SupportChatOptions.MaxConversationFileBytes"/>; else null.
    /// </summary>
    private static async Task<ProblemHttpResult?> OverQuotaAsync(
        HttpContext http, ChatDb db, SupportChatOptions options, TimeProvider clock, int uploaderId, int groupId, long adding, CancellationToken cancel)
    {
        var pending = db.Files.Where(f => f.UploaderId == uploaderId && f.ChatId == null);
        if (await pending.SumAsync(f => f.Size, cancel) + adding > options.MaxPendingFileBytes)
        {
            var oldest = await pending.MinAsync(f => (DateTime?)f.CreatedAt, cancel) ?? clock.GetUtcNow().UtcDateTime;
            var wait = oldest + options.UnattachedFileLifetime - clock.GetUtcNow().UtcDateTime;
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(Math.Max(wait.TotalSeconds, 1))).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                $"You have more than {Sizes.Describe(options.MaxPendingFileBytes)} of files uploaded but not sent. Send them in a message, or remove them and wait for them to expire, before uploading more.",
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many files waiting to be sent.");
        }
        if (await db.Files.Where(f => f.GroupId == groupId).SumAsync(f => f.Size, cancel) + adding > options.MaxConversationFileBytes)
        {
            return TypedResults.Problem(
                $"This conversation holds {Sizes.Describe(options.MaxConversationFileBytes)} of files, the most it may: start a new conversation to send more.",
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "The conversation has no room for more files.");
        }
        return null;
    }

    /// <summary>The file's first <c>Length</c> bytes in <c>Buffer</c>, rented from the shared pool (returned by the caller).</summary>
    private sealed record UploadedPart(string? Name, byte[] Buffer, int Length, ProblemHttpResult? Problem);

    /// <summary>
    /// The one part named <c>file</c> of a multipart body, read while counting: one byte over the limit is a
    /// 413 with a sentence, however the body was framed (declared length or chunked). Other parts are read
    /// past and counted too; a second <c>file</c> part is a 400, as the answer names one file.
    /// </summary>
    private static async Task<UploadedPart> ReadFileAsync(HttpRequest request, long maxBytes, CancellationToken cancel)
    {
        static UploadedPart Refused(int status, string detail) =>
            new(null, [], 0, TypedResults.Problem(detail, statusCode: status, title: "The file was not accepted."));

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Refused(StatusCodes.Status415UnsupportedMediaType, "Send the file as multipart/form-data, in a field named \"file\".");
        }
        var fileTooLarge = Refused(StatusCodes.Status413PayloadTooLarge, $"The file is larger than {Sizes.Describe(maxBytes)}.");
        var uploadTooLarge = Refused(StatusCodes.Status413PayloadTooLarge, $"The upload is larger than {Sizes.Describe(maxBytes)}.");
        UploadedPart? found = null;
        UploadedPart Fail(UploadedPart refusal)
        {
            if (found is not null) ArrayPool<byte>.Shared.Return(found.Buffer);
            return refusal;
        }
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
            long other = 0;
            while (await reader.ReadNextSectionAsync(cancel) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.Name.Equals("file", StringComparison.Ordinal)
                    || !disposition.IsFileDisposition())
                {
                    // Read past, but counted: a field of any size is still bytes this request sends.
                    other += await LengthOfAsync(section.Body, maxBytes - other + 1, cancel);
                    if (other > maxBytes) return Fail(uploadTooLarge);
                    continue;
                }
                if (found is not null) return Fail(Refused(StatusCodes.Status400BadRequest, "Send one file per upload: the body has more than one part named \"file\"."));
                // One buffer, read into directly and checked in place: room for one byte over the limit, or for
                // the whole declared body when that is smaller (the part is never longer than its body).
                var room = (int)Math.Min(maxBytes + 1, request.ContentLength ?? long.MaxValue);
                var buffer = ArrayPool<byte>.Shared.Rent(room);
                var name = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                found = new UploadedPart(name, buffer, 0, null);
                var length = 0;
                int read;
                while ((read = await section.Body.ReadAsync(buffer.AsMemory(length, room - length), cancel)) > 0)
                {
                    length += read;
                    if (length > maxBytes) return Fail(fileTooLarge);
                }
                found = found with { Length = length };
            }
        }
        catch (BadHttpRequestException bad) when (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own limit on the body (the file's and room for the form): what overflowed it was
            // not the file part, which is refused above before it gets there.
            return Fail(uploadTooLarge);
        }
        catch (InvalidDataException)
        {
            return Fail(Refused(StatusCodes.Status400BadRequest, "The multipart body is malformed."));
        }
        catch
        {
            Fail(uploadTooLarge);
            throw;
        }
        return found ?? Refused(StatusCodes.Status400BadRequest, "The body has no file in a field named \"file\".");
    }

    /// <summary>How many bytes a part holds, read and thrown away, up to <paramref name="enough"/>.</summary>
    private static async Task<long> LengthOfAsync(Stream part, long enough, CancellationToken cancel)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long total = 0;
            int read;
            while (total < enough && (read = await part.ReadAsync(buffer, cancel)) > 0) total += read;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<IResult> Download(
        string id, long? expires, string? sig, HttpContext http, ChatDb db, IFileStore store, FileUrls urls, CancellationToken cancel)
    {
        if (expires is not { } expiry || !FileIds.IsValid(id) || !urls.Verify(id, expiry, sig, out var left))
        {
            return TypedResults.Problem(
                "This file link is expired or not valid. Open the conversation again for a fresh link.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "The file link is not valid.");
        }
        var file = await db.Files.FindAsync([id], cancel);
        var content = file is null ? null : await store.OpenReadAsync(id, cancel);
        if (file is null || content is null)
        {
            return TypedResults.Problem("The file is no longer here.", statusCode: StatusCodes.Status404NotFound, title: "No such file.");
        }

        var headers = http.Response.Headers;
        var image = FileContent.IsImage(file.ContentType);
        var disposition = new ContentDispositionHeaderValue(image ? "inline" : "attachment");
        disposition.SetHttpFileName(file.Name);
        headers.ContentDisposition = disposition.ToString();
        headers.XContentTypeOptions = "nosniff";
        // Even opened on its own, the file is an inert document: no script, no form, no plug-in, nothing loaded.
        headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        // Cached by the viewer's browser only, and no longer than its link is valid.
        headers.CacheControl = $"private, max-age={(int)left.TotalSeconds}";
        // A host page that isolates itself (Cross-Origin-Embedder-Policy) may still show the thumbnail.
        headers["Cross-Origin-Resource-Policy"] = "cross-origin";
        http.Response.ContentLength = file.Size;
        var contentType = file.ContentType == FileContent.Text ? "text/plain; charset=utf-8" : file.ContentType;
        if (HttpMethods.IsHead(http.Request.Method))
        {
            // The headers a GET would have, without the bytes.
            await content.DisposeAsync();
            http.Response.ContentType = contentType;
            return TypedResults.Empty;
        }
        return TypedResults.Stream(content, contentType);
    }
}
