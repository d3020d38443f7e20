using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using SupportChat.Server.Security;

namespace SupportChat.Server.Users;

/// <summary>
/// How often anyone may try a password or register an email. Every attempt counts against its client IP.
/// Wrong passwords count against the account twice: from that IP, with a low limit, and from anywhere,
/// with a much higher one. So one machine gets a few guesses at an account, a botnet a bounded number,
/// and someone else's wrong guesses do not lock the owner out until that high ceiling. Both are checked
/// before the password: past a limit a right guess is refused like a wrong one.
/// </summary>
public sealed class SignInLimit : IDisposable
{
    private readonly SupportChatOptions options;
    private readonly PartitionedRateLimiter<string> attemptsPerIp;
    private readonly PartitionedRateLimiter<string> failuresPerAccountAndIp;
    private readonly PartitionedRateLimiter<string> failuresPerAccount;

    public SignInLimit(SupportChatOptions options)
    {
        this.options = options;
        attemptsPerIp = Limiter(options.SignInLimitPerIp);
        failuresPerAccountAndIp = Limiter(options.SignInLimitPerAccount);
        failuresPerAccount = Limiter(options.SignInCeilingPerAccount);
    }

    /// <summary>Counts one attempt and checks the account's failures; answers the 429 to send when it is one too many, else null.</summary>
    public ProblemHttpResult? Refusal(HttpContext http, string email)
    {
        var ip = TooManyRequests.ClientIp(http);
        using var attempt = attemptsPerIp.AttemptAcquire(ip);
        if (!attempt.IsAcquired) return TooMany(http, attempt);
        // Zero permits: whether any failure is left, without spending one.
        using var here = failuresPerAccountAndIp.AttemptAcquire(Key(email, ip), 0);
        if (!here.IsAcquired) return TooMany(http, here);
        using var anywhere = failuresPerAccount.AttemptAcquire(email, 0);
        return anywhere.IsAcquired ? null : TooMany(http, anywhere);
    }

    /// <summary>Counts a wrong password for <paramref name="email"/> from this request's client.</summary>
    public void Failed(HttpContext http, string email)
    {
        failuresPerAccountAndIp.AttemptAcquire(Key(email, TooManyRequests.ClientIp(http))).Dispose();
        failuresPerAccount.AttemptAcquire(email).Dispose();
    }

    public void Dispose()
    {
        attemptsPerIp.Dispose();
        failuresPerAccountAndIp.Dispose();
        failuresPerAccount.Dispose();
    }

    private static string Key(string email, string ip) => $"{email}\n{ip}";

    private ProblemHttpResult TooMany(HttpContext http, RateLimitLease lease) =>
        TooManyRequests.Problem(http, lease, options.SignInWindow, "Too many sign-in attempts.",
            seconds => $"Too many sign-in attempts. Wait {seconds} seconds and try again.");

    private PartitionedRateLimiter<string> Limiter(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = options.SignInWindow, QueueLimit = 0 }));
}
