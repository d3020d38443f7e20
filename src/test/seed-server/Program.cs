// A server with only the seed's contract ("Real-Time Communication in .NET with SignalR", the Aspire
// Chat App), for the widget's tests: an anonymous hub, REST that saves then pushes, JWT login. No CORS
// (the test page is served from here), no token from the query string, none of the reference server's
// extensions.
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using SupportChat.SeedServer;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<SeedOptions>()
    .BindConfiguration(SeedOptions.Section)
    .Validate(o => o.DataFile.Length > 0 && o.JwtKey.Length > 0 && Directory.Exists(o.PagesPath) && Directory.Exists(o.DistPath),
        "Seed:DataFile, Seed:JwtKey, Seed:PagesPath and Seed:DistPath (an existing folder each) are required.")
    .ValidateOnStart();
builder.Services.AddSingleton<ChatStore>();
builder.Services.AddSingleton<Tokens>();
builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();

builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
    .Configure<Tokens>((jwt, tokens) => jwt.TokenValidationParameters = new TokenValidationParameters
    {
        ValidIssuer = SeedOptions.Issuer,
        ValidAudience = SeedOptions.Issuer,
        IssuerSigningKey = tokens.Key,
    });
builder.Services.AddAuthorization();
builder.Services.AddProblemDetails();
builder.Services.AddSignalR();

var app = builder.Build();

var options = app.Services.GetRequiredService<IOptions<SeedOptions>>().Value;
var pages = new PhysicalFileProvider(Path.GetFullPath(options.PagesPath));
// The tests reload pages and restart this server: nothing may come from a stale cache.
void NoCache(Microsoft.AspNetCore.StaticFiles.StaticFileResponseContext file) => file.Context.Response.Headers.CacheControl = "no-cache";
app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = pages });
app.UseStaticFiles(new StaticFileOptions { FileProvider = pages, OnPrepareResponse = NoCache });
app.UseStaticFiles(new StaticFileOptions
{
    RequestPath = "/dist",
    FileProvider = new PhysicalFileProvider(Path.GetFullPath(options.DistPath)),
    OnPrepareResponse = NoCache,
});

// Empty 4xx answers (a body that does not bind, a missing token) get a problem-details body too.
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapHub<GroupChatHub>(GroupChatHub.Path);
app.MapChatEndpoints();
app.MapUserEndpoints();

app.Run();
