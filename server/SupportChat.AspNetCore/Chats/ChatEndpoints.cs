using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Auth;
using SupportChat.Server.Conversations;
using SupportChat.Server.Data;
using SupportChat.Server.Files;
using SupportChat.Server.Hubs;
using SupportChat.Server.Security;
using SupportChat.Server.Telemetry;

namespace SupportChat.Server.Chats;

/// <summary>The message as the wire carries it: the seed's fields, then the extensions.</summary>
public sealed record ChatDto(
    int Id,
    string Name,
    string Message,
    int UserId,
    string? UserAvatarUrl,
    bool IsMe,
    int GroupId,
    DateTime CreatedAt,
    string? ClientMessageId,
    string Format,
    List<FileDto> Attachments)
{
    /// <summary>The message for one reader; its files' links are signed afresh by <paramref name="files"/>.</summary>
    public static ChatDto From(Chat chat, int? viewerId, Func<ChatFile, FileDto> files) =>
        From(chat, chat.User?.Name ?? "", chat.User?.AvatarUrl, viewerId, files);

    /// <summary>The message with its author's name and avatar as read already, so <c>chat.User</c> need not be loaded.</summary>
    public static ChatDto From(Chat chat, string authorName, string? authorAvatarUrl, int? viewerId, Func<ChatFile, FileDto> files) => new(
        chat.Id,
        authorName,
        chat.Message,
        chat.UserId,
        authorAvatarUrl,
        chat.UserId == viewerId,
        chat.GroupId,
        chat.CreatedAt,
        chat.ClientMessageId,
        chat.Format ?? MessageFormats.Text,
        [.. chat.Attachments.OrderBy(f => f.CreatedAt).ThenBy(f => f.Id).Select(files)]);
}

/// <summary>
/// The seed's clients send <c>groupId</c> as a number, the widget as a string: both are read. The route
/// names the conversation; a body that names another one is refused.
/// </summary>
public sealed record SendChatRequest(
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] int? GroupId,
    string? Message,
    string? ClientMessageId,
    string? Format = null,
    List<string>? Attachments = null);

public static class ChatEndpoints
{
    private const int MaxPage = 200;
    private const int MaxClientMessageIdLength = 64;
    private const int MaxAttachments = 10;

    public static void MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        var chats = app.MapGroup("/chats/{groupId:int}").RequireAuthorization(SupportChatAuth.Policy);
        chats.MapGet("", GetHistory)
            .WithSummary("A conversation's messages, oldest first.")
            .WithDescription("Without paging parameters, the newest 1,000 (the seed returns every message; see SUPPORTCHAT_HISTORY_CAP). With afterId, the first `limit` after it; otherwise the newest `limit`, before beforeId if given. 403 outside one's own conversations (agents see all).");
        chats.MapPost("", Send)
            .RequireSendRateLimit()
            .WithSummary("Saves a message, then pushes ReceiveMessage to the conversation's group.")
            .WithDescription("A repeat of the same clientMessageId by the same user answers the stored message and stores nothing; the same clientMessageId in another conversation is a 409. format is \"text\" (the default) or \"markdown\", which only agents may send. 400 for an empty message, one over 4,000 characters, or a visitor's markdown; 429 with Retry-After when sending too fast.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    /// <summary>
    /// History, oldest first. Without paging parameters, the newest <see cref="SupportChatOptions.HistoryCap"/>
    /// messages: the seed returns everything, which on a long conversation is an answer of any size.
    /// <c>afterId</c> gives the first <c>limit</c> after that id, otherwise the newest <c>limit</c>.
    /// </summary>
    private static async Task<Results<Ok<ChatsResponse>, ForbidHttpResult>> GetHistory(
        int groupId, int? afterId, int? beforeId, int? limit,
        ClaimsPrincipal user, ConversationAccess access, ChatDb db, SupportChatOptions options, FileUrls urls, HttpContext http,
        CancellationToken cancel)
    {
        if (!await access.CanAccessAsync(user, groupId, cancel)) return TypedResults.Forbid();

        var query = db.Chats.AsNoTracking().Include(c => c.User).Include(c => c.Attachments).Where(c => c.GroupId == groupId);
        if (afterId is { } after) query = query.Where(c => c.Id > after);
        if (beforeId is { } before) query = query.Where(c => c.Id < before);

        var take = limit is null && afterId is null && beforeId is null ? options.HistoryCap : Math.Clamp(limit ?? MaxPage, 1, MaxPage);
        var page = afterId is not null
            ? await query.OrderBy(c => c.Id).Take(take).ToListAsync(cancel)
            : (await query.OrderByDescending(c => c.Id).Take(take).ToListAsync(cancel)).AsEnumerable().Reverse().ToList();

        var viewer = user.UserId();
        return TypedResults.Ok(new ChatsResponse(page.Select(c => ChatDto.From(c, viewer, f => urls.Describe(http, f))).ToList()));
    }

    private static async Task<Results<Ok<SendChatResponse>, ForbidHttpResult, ProblemHttpResult>> Send(
        int groupId, SendChatRequest body,
        ClaimsPrincipal user, ConversationAccess access, ChatDb db, SupportChatOptions options,
        IHubContext<GroupChatHub> hub, TimeProvider clock, SupportChatMetrics metrics, FileUrls urls, HttpContext http, CancellationToken cancel)
    {
        var arrived = clock.GetTimestamp();
        using var span = SupportChatMetrics.Traces.StartActivity("support_chat.send");
        span?.SetTag("support_chat.group_id", groupId);
        // Who may post, whether it is resolved, and the author's name for the push: one round trip.
        if (await access.PosterIfAllowedAsync(user, groupId, cancel) is not { } poster) return TypedResults.Forbid();

        if (body.GroupId is { } named && named != groupId)
        {
            return Invalid($"The body names conversation {named} but the address names conversation {groupId}.");
        }
        var text = body.Message?.Trim() ?? "";
        var attachments = body.Attachments?.Distinct().ToList() ?? [];
        // A message of files alone has no text, and is no less a message.
        if (TextInput.IsBlank(text) && attachments.Count == 0) return Invalid("The message is empty.");
        if (TextInput.IsBlank(text)) text = "";
        if (attachments.Count > MaxAttachments) return Invalid($"A message may carry at most {MaxAttachments} files.");
        // The list's type says string, but JSON may hold null in it (no file id either, and no 500).
        if (attachments.Any(id => id is null || !FileIds.IsValid(id))) return Invalid("An entry of attachments is not a file id: name files by the id their upload answered.");
        if (text.Length > options.MaxMessageLength) return Invalid($"The message is longer than {options.MaxMessageLength} characters.");
        if (body.ClientMessageId is { Length: > MaxClientMessageIdLength }) return Invalid("The clientMessageId is too long.");
        if (body.Format is not (null or MessageFormats.Text or MessageFormats.Markdown))
        {
            return Invalid($"The format \"{body.Format}\" is not one this server knows: send \"text\" or \"markdown\".");
        }
        // Plain text is stored as null, as every message before formats was.
        var format = body.Format == MessageFormats.Markdown ? MessageFormats.Markdown : null;
        // Refused rather than stored as text: a visitor's client that asks for markdown would otherwise see its
        // message shown differently from what it sent, and say nothing. Markdown is the agents' answer format
        // only, so a visitor can never put a link or a list in front of an agent that looks like the team's own.
        if (format is not null && !user.IsAgent()) return Invalid("Only agents may send formatted (markdown) messages; send the message as text.");

        var userId = user.UserId()!.Value;
        var fresh = new Chat
        {
            GroupId = groupId,
            UserId = userId,
            Message = text,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            ClientMessageId = body.ClientMessageId,
            Format = format,
        };
        Chat? chat;
        if (attachments.Count == 0)
        {
            // Inserted without a look first: nearly every send is a first attempt, and a retry after a lost
            // response is refused by the unique index on (UserId, ClientMessageId), which StoreAsync answers
            // with what was stored the first time.
            chat = await StoreAsync(db, fresh, attachments, metrics, cancel);
        }
        else
        {
            // A retry after a lost response: answer with what was stored the first time, add nothing.
            chat = body.ClientMessageId is { } clientId ? await StoredAsync(db, userId, clientId, cancel) : null;
            // Checked here, after the retry above: a retry names files its first attempt attached already.
            if (chat is null && await UnusableFileAsync(db, attachments, userId, groupId, cancel) is { } unusable)
            {
                // A send with the same clientMessageId, racing this one, may have claimed them a moment ago:
                // its message is this one's answer too.
                chat = body.ClientMessageId is { } again ? await StoredAsync(db, userId, again, cancel) : null;
                if (chat is null) return Invalid($"The file {unusable} is not one you uploaded to this conversation, or it is attached to a message already.");
            }
            chat ??= await StoreAsync(db, fresh, attachments, metrics, cancel);
        }
        // Null only when a named file was claimed by another message at the same moment (StoreAsync).
        if (chat is null) return Invalid("A file named in attachments was attached to another message at the same moment.");

        // The id is the sender's key for one message, and a retry goes where the first attempt went: the same
        // key in another conversation is a client's mistake, not a retry. Answered 409 rather than matched per
        // conversation, which would change the unique index (and migrate both databases) for a case no client
        // that makes a fresh id per message produces; answering the other conversation's message, as before,
        // told the sender it was stored where it was not.
        if (chat.GroupId != groupId)
        {
            return TypedResults.Problem(
                $"The clientMessageId \"{chat.ClientMessageId}\" is taken by your message in another conversation. Send this message with a new clientMessageId.",
                statusCode: StatusCodes.Status409Conflict,
                title: "The message was not accepted.");
        }

        // Saved first, pushed second: a widget that misses the push still finds the message in history.
        // From here on the message is stored, so nothing the sender does may stop it reaching the group:
        // no request token below. A message answered from the store is pushed again, so one saved by a
        // request that died before its push still arrives (widgets de-duplicate by id).
        // isMe is false on the push, as in the seed: each client works out "mine" from its own user id. The
        // author is the sender (a stored message is found by their id), named as the access check read them.
        var pushed = ChatDto.From(chat, poster.Name, poster.AvatarUrl, viewerId: null, f => urls.Describe(http, f));
        await hub.Clients.Group(GroupChatHub.GroupName(chat.GroupId)).SendAsync(GroupChatHub.ReceiveMessage, pushed, CancellationToken.None);
        metrics.Pushed(GroupChatHub.ReceiveMessage);
        metrics.Delivered(clock.GetElapsedTime(arrived));
        await hub.Clients.Group(GroupChatHub.AgentsGroup).SendAsync(GroupChatHub.ConversationMessage, pushed, CancellationToken.None);
        metrics.Pushed(GroupChatHub.ConversationMessage);
        // After the message, so a client sees the message that reopened the conversation before the new state.
        // Only when the access check found it resolved: a resolution after that check and before this message's
        // CreatedAt is missed, a window of the validation above; one after CreatedAt never reopened it anyway.
        if (poster.Resolved && !user.IsAgent()) await ConversationStates.ReopenAsync(db, hub, chat.GroupId, userId, chat.CreatedAt);
        span?.SetTag("support_chat.message_id", chat.Id);

        // The sender's answer is the push, theirs: not made, and its files signed, a second time.
        return TypedResults.Ok(new SendChatResponse(true, pushed with { IsMe = true }));
    }

    /// <summary>
    /// Saves the message and claims its files in one transaction; a file is claimed only if it is still
    /// unattached, so two messages racing for one file cannot both have it (null then: nothing is stored).
    /// A concurrent send with the same clientMessageId that stored first is answered instead, as a retry would be.
    /// </summary>
    private static async Task<Chat?> StoreAsync(ChatDb db, Chat chat, List<string> attachments, SupportChatMetrics metrics, CancellationToken cancel)
    {
        await using var transaction = attachments.Count > 0 ? await db.Database.BeginTransactionAsync(cancel) : null;
        db.Chats.Add(chat);
        try
        {
            await db.SaveChangesAsync(cancel);
            if (transaction is null)
            {
                metrics.MessageStored();
                return chat;
            }
            var claimed = await db.Files
                .Where(f => attachments.Contains(f.Id) && f.ChatId == null && f.UploaderId == chat.UserId && f.GroupId == chat.GroupId)
                .ExecuteUpdateAsync(f => f.SetProperty(x => x.ChatId, chat.Id), cancel);
            if (claimed != attachments.Count)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                db.Entry(chat).State = EntityState.Detached;
                return null;
            }
            await transaction.CommitAsync(cancel);
            metrics.MessageStored();
            await db.Entry(chat).Collection(c => c.Attachments).LoadAsync(CancellationToken.None);
            return chat;
        }
        catch (DbUpdateException) when (chat.ClientMessageId is not null)
        {
            // The unique index refused this one: the other send's message is the one. A busy or failing database
            // throws the same type, so only a message that is there answers; otherwise the failure is thrown on,
            // and logged with its cause where it lands (EF's own log of it is quiet: see ChatDbRegistration).
            if (transaction is not null) await transaction.RollbackAsync(CancellationToken.None);
            db.Entry(chat).State = EntityState.Detached;
            if (await StoredAsync(db, chat.UserId, chat.ClientMessageId, CancellationToken.None) is not { } stored) throw;
            return stored;
        }
    }

    /// <summary>The first of the named files the sender may not attach (not theirs, not this conversation's, attached already), or null.</summary>
    private static async Task<string?> UnusableFileAsync(ChatDb db, List<string> attachments, int userId, int groupId, CancellationToken cancel)
    {
        if (attachments.Count == 0) return null;
        var usable = await db.Files
            .Where(f => attachments.Contains(f.Id) && f.UploaderId == userId && f.GroupId == groupId && f.ChatId == null)
            .Select(f => f.Id)
            .ToListAsync(cancel);
        return attachments.FirstOrDefault(id => !usable.Contains(id));
    }

    private static Task<Chat?> StoredAsync(ChatDb db, int userId, string clientMessageId, CancellationToken cancel) =>
        db.Chats.Include(c => c.Attachments)
            .FirstOrDefaultAsync(c => c.UserId == userId && c.ClientMessageId == clientMessageId, cancel);

    private static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The message was not accepted.");

    public sealed record ChatsResponse(List<ChatDto> Chats);

    public sealed record SendChatResponse(bool Success, ChatDto Chat);
}
