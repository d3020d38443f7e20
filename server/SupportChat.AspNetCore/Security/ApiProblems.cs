using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace SupportChat.Server.Security;

/// <summary>
/// Every error the server answers carries a problem-details body with a sentence a person can act on:
/// a body that is not the JSON an endpoint expects is a 400 (never an empty body, never a 500), an
/// empty 4xx from anywhere gets a body from the status-code pages, and anything unforeseen is a 500
/// problem without a stack trace.
/// </summary>
public static class ApiProblems
{
    public static IServiceCollection AddApiProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= Sentence(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode));
        // Minimal APIs answer an unreadable body with an empty 400 in production; thrown, it reaches the handler below.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestHandler>();
        return services;
    }

    public static void UseApiProblems(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
    }

    private static string? Sentence(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request was not understood.",
        StatusCodes.Status401Unauthorized => "Sign in first: this needs a valid token.",
        StatusCodes.Status403Forbidden => "You may not do this here.",
        StatusCodes.Status404NotFound => "There is nothing at this address.",
        StatusCodes.Status405MethodNotAllowed => "This address does not take that method.",
        StatusCodes.Status413PayloadTooLarge => $"The body is larger than {RequestLimits.MaxBodyBytes / 1024} KB.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON (Content-Type: application/json).",
        StatusCodes.Status429TooManyRequests => "Too many requests. Wait a moment and try again.",
        >= 500 => "The server failed to answer this request. Try again.",
        _ => null,
    };

    /// <summary>A body minimal APIs could not read: the status they chose (400, 413, 415), with why.</summary>
    private sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancel)
        {
            if (exception is not BadHttpRequestException bad) return false;
            http.Response.StatusCode = bad.StatusCode;
            var detail = bad.StatusCode switch
            {
                StatusCodes.Status400BadRequest when bad.InnerException is ControlCharacterException control =>
                    $"The text at {control.Path} contains a control character; only line breaks and tabs are allowed.",
                StatusCodes.Status400BadRequest when bad.InnerException is JsonException json =>
                    json.Path is { Length: > 1 } path
                        ? $"The body is not the JSON this endpoint expects (at {path})."
                        : "The body is not the JSON this endpoint expects.",
                StatusCodes.Status400BadRequest => "The body or a parameter is missing or not what this endpoint expects.",
                _ => Sentence(bad.StatusCode),
            };
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                Exception = exception,
                ProblemDetails = { Status = bad.StatusCode, Title = "The request was not accepted.", Detail = detail },
            });
        }
    }
}
