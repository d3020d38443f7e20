using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Auth;
using SupportChat.Server.Data;
using SupportChat.Server.Groups;
using SupportChat.Server.Hubs;
using SupportChat.Server.Security;

namespace SupportChat.Server.Visitors;

public sealed record VisitorRequest(string? Name, string? PageUrl = null, string? TimeZone = null, string? Language = null);

public sealed record VisitorResponse(string Token, int UserId, int GroupId);

/// <summary>
/// <c>POST /visitors</c>: an anonymous website visitor and their own support conversation. Continuity
/// lives in an HttpOnly cookie holding a random secret, so a returning visitor gets a fresh short-lived
/// token for the same conversation and the page never stores a token.
/// </summary>
public static class VisitorEndpoints
{
    public const string CookieName = "supportchat_visitor";
    public const string DefaultName = "Visitor";

    public static void MapVisitorEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/visitors", Start)
            .WithSummary("An anonymous visitor and their own conversation: what a widget's token-url points at.")
            .WithDescription("Sets an HttpOnly cookie, so the same browser gets a fresh token for the same conversation next time. The body { name, pageUrl, timeZone, language } is optional; the last three are shown to agents, and a value that is not an http(s) address, an IANA time zone or a language tag is left out.")
            .Accepts<VisitorRequest>("application/json")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        app.MapDelete("/visitors", End)
            .WithSummary("Ends the visitor's cookie: what a widget's logout() calls with a token-url.")
            .WithDescription("Expires the HttpOnly cookie and forgets its secret, so neither this browser nor a copy of the cookie gets that visitor's token again; the next POST /visitors is a new visitor. Answers 204, with or without a cookie.");
    }

    private static async Task<Results<Ok<VisitorResponse>, ProblemHttpResult>> Start(
        HttpContext http, ChatDb db, Tokens tokens, TimeProvider clock, IHubContext<GroupChatHub> hub, NewVisitorLimit limit,
        CancellationToken cancel)
    {
        // The body is optional: a token-url call from the widget sends none.
        var body = await ReadBody(http, cancel);
        var name = Name(body);

        var user = http.Request.Cookies[CookieName] is { Length: > 0 } secret
            ? await db.Users.FirstOrDefaultAsync(u => u.VisitorKeyHash == Hash(secret) && u.Role == Roles.Visitor, cancel)
            : null;

        if (user is null)
        {
            if (limit.Refuse(http) is { } refused) return refused;
            var newSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            user = new User { Name = name ?? DefaultName, Role = Roles.Visitor, VisitorKeyHash = Hash(newSecret) };
            db.Users.Add(user);
            await db.SaveChangesAsync(cancel);
            var cookie = CookieSettings(http);
            cookie.MaxAge = TimeSpan.FromDays(30);
            http.Response.Cookies.Append(CookieName, newSecret, cookie);
        }
        else if (name is not null && name != user.Name)
        {
            user.Name = name;
        }

        var group = await db.Groups.Where(g => g.OwnerUserId == user.Id).OrderByDescending(g => g.Id).FirstOrDefaultAsync(cancel);
        var started = group is null;
        if (group is null)
        {
            group = new Group { Name = $"Conversation with {user.Name}", OwnerUserId = user.Id, CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Groups.Add(group);
        }
        VisitorContext.Apply(group, body);
        await db.SaveChangesAsync(cancel);
        if (started)
        {
            // The agent consoles list it at once, as their list would show it: who, and where from.
            await GroupRows.PushStartedAsync(db, hub, group.Id);
        }

        return TypedResults.Ok(new VisitorResponse(tokens.Issue(user), user.Id, group.Id));
    }

    private static async Task<NoContent> End(HttpContext http, ChatDb db, CancellationToken cancel)
    {
        if (http.Request.Cookies[CookieName] is { Length: > 0 } secret)
        {
            // Forgotten, not only expired: a copy of the cookie (another browser profile, a stolen one) names nobody now.
            await db.Users.Where(u => u.VisitorKeyHash == Hash(secret) && u.Role == Roles.Visitor)
                .ExecuteUpdateAsync(u => u.SetProperty(v => v.VisitorKeyHash, (string?)null), cancel);
        }
        http.Response.Cookies.Delete(CookieName, CookieSettings(http));
        return TypedResults.NoContent();
    }

    /// <summary>Where the cookie lives and who may send it: the same for setting and for expiring it, or the browser keeps it.</summary>
    private static CookieOptions CookieSettings(HttpContext http) => new()
    {
        HttpOnly = true,
        // This endpoint's own address, under whatever prefix the app mapped the chat.
        Path = (http.Request.PathBase + http.Request.Path).Value,
        IsEssential = true,
        // Cross-site embeds need SameSite=None, which browsers accept only with Secure (https).
        Secure = http.Request.IsHttps,
        SameSite = http.Request.IsHttps ? SameSiteMode.None : SameSiteMode.Lax,
    };

    private static async Task<VisitorRequest?> ReadBody(HttpContext http, CancellationToken cancel)
    {
        if (!http.Request.HasJsonContentType() || http.Request.ContentLength == 0) return null;
        try
        {
            return await http.Request.ReadFromJsonAsync<VisitorRequest>(cancel);
        }
        catch (JsonException error)
        {
            // Read by hand, since the body is optional: one that is not JSON is a 400, as minimal APIs make it for a bound body.
            throw new BadHttpRequestException("The body is not valid JSON.", StatusCodes.Status400BadRequest, error);
        }
    }

    /// <summary>Shown on one line of every agent's list, so kept to one line of visible text (<see cref="TextInput.OneLine"/>).</summary>
    private static string? Name(VisitorRequest? body) => TextInput.OneLine(body?.Name, 100);

    private static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
