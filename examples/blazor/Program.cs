using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.FileProviders;
using SupportChat.BlazorExample.Components;
using SupportChat.Server.Users;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents();
builder.Services.AddCascadingAuthenticationState();
// The app's own sign-in stays its default; the chat's tokens have a scheme of their own beside it.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(cookie => cookie.LoginPath = "/signin");
builder.Services.AddAuthorization();
builder.Services.AddSupportChat();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

// The widget's built files (npm run build at the repository's root). An app of your own serves them from
// its npm install, or loads them from a CDN.
app.UseStaticFiles(new StaticFileOptions
{
    RequestPath = "/widget",
    FileProvider = new PhysicalFileProvider(Path.GetFullPath(builder.Configuration["WidgetPath"] ?? "../../dist", app.Environment.ContentRootPath)),
});

app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>();
app.MapSupportChat();

// Stands in for the app's real sign-in (Identity, Entra ID, …): whoever names themselves is signed in.
app.MapPost("/signin", async ([FromForm] string name, [FromForm] string email, HttpContext http) =>
{
    var identity = new ClaimsIdentity(
        // The email stands in for the id a real sign-in gives its users (a user id, Entra's oid).
        [new Claim(ClaimTypes.NameIdentifier, email.Trim()), new Claim(ClaimTypes.Name, name.Trim()), new Claim(ClaimTypes.Email, email.Trim())],
        CookieAuthenticationDefaults.AuthenticationScheme);
    await http.SignInAsync(new ClaimsPrincipal(identity));
    return Results.LocalRedirect("/support");
});

// What the widget's token-url asks, with the app's cookie: a chat token for the signed-in user and their
// own conversation, found by the app's own id for them (never by email, which anyone may register in the
// chat first). An app with agents of its own calls AgentSessionForAsync for them, by its own role check.
// The token stays in the widget's memory; the page never sees it.
app.MapPost("/support-chat/session", async (ClaimsPrincipal user, SupportChatUsers chat, CancellationToken cancel) =>
{
    var session = await chat.SessionForAsync(user.FindFirstValue(ClaimTypes.NameIdentifier)!, user.Identity!.Name!, cancel);
    return TypedResults.Ok(new { token = session.Token, groupId = session.GroupId });
}).RequireAuthorization().DisableAntiforgery();

app.Run();

/// <summary>Visible to tests that start this app.</summary>
public partial class Program;
