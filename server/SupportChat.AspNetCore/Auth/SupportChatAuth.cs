using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.Tokens;
using SupportChat.Server.Hubs;

namespace SupportChat.Server.Auth;

/// <summary>
/// The widget's tokens are checked by an authentication scheme of their own, named, so an app's own
/// sign-in (cookies, Identity, another JWT issuer) stays its default and is left alone. Every endpoint of
/// the package and the hub require <see cref="Policy"/>, which asks this scheme only; and the scheme
/// answers for the chat's endpoints only, so it signs nobody in to the app's, default scheme or not.
/// </summary>
public static class SupportChatAuth
{
    public const string Scheme = "SupportChat";
    public const string Policy = "SupportChat";

    public static IServiceCollection AddSupportChatAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddJwtBearer(Scheme);
        services.AddOptions<JwtBearerOptions>(Scheme)
            .Configure<Tokens, SupportChatOptions>((jwt, tokens, options) =>
            {
                // Keep claim names as they are in the token: the user id is read by its seed name.
                jwt.MapInboundClaims = false;
                // Nothing asks for the token back (GetTokenAsync): not kept in the ticket of every open connection.
                jwt.SaveToken = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.JwtIssuer,
                    ValidAudience = options.JwtIssuer,
                    IssuerSigningKey = tokens.Key,
                    NameClaimType = "name",
                    RoleClaimType = "role",
                    // None past expiry: a token's lifetime ends when it says, and its hub connection closes then.
                    // Instances sharing a key must keep their clocks in step (NTP does, to milliseconds); the
                    // start of a token's life is backdated a little instead (Tokens.Issue), so an instance just
                    // behind the one that issued it accepts a fresh token at once.
                    ClockSkew = TimeSpan.Zero,
                };
                jwt.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on a WebSocket or an EventSource, so the client puts the
                    // token in the query string; accept it there for the hub's endpoints only (under any prefix).
                    OnMessageReceived = context =>
                    {
                        // Only the chat's endpoints: in an app without a scheme of its own, ASP.NET Core makes
                        // this lone scheme the default, and a visitor's token would sign in to the app's endpoints.
                        if (!SupportChatPaths.IsChatEndpoint(context.HttpContext))
                        {
                            context.NoResult();
                            return Task.CompletedTask;
                        }
                        if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<HubMetadata>()?.HubType == typeof(GroupChatHub)
                            && context.Request.Query["access_token"] is { Count: > 0 } token)
                        {
                            context.Token = token;
                        }
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = async context =>
                    {
                        await AgentTokens.RefuseFormerAgents(context);
                        if (context.Result is null && context.Principal is { } principal) context.Principal = WithoutToken(principal);
                    },
                };
            });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser());
        return services;
    }

    /// <summary>
    /// The same claims, without the parsed token behind them: the identity the handler makes keeps the whole
    /// <c>JsonWebToken</c> (its JSON, its claim sets and a second list of claims), and a hub connection holds
    /// its user for as long as it is open. About 4 KB less per connection (issue 16).
    /// </summary>
    private static ClaimsPrincipal WithoutToken(ClaimsPrincipal principal) => new(principal.Identities.Select(identity =>
        new CaseSensitiveClaimsIdentity(
            identity.Claims.Select(claim => new Claim(claim.Type, claim.Value, claim.ValueType, claim.Issuer, claim.OriginalIssuer)),
            identity.AuthenticationType,
            identity.NameClaimType,
            identity.RoleClaimType)));
}
