using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace SupportChat.Server.Data;

/// <summary>Brings the database up to date (migrations) and makes sure the configured agent can sign in.</summary>
public static class Seed
{
    public static async Task RunAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var options = scope.ServiceProvider.GetRequiredService<SupportChatOptions>();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();

        if (db.Database.IsSqlite())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(options.Database)!);
        }
        // Several instances may start at once on one PostgreSQL: EF Core takes a lock around migrating.
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            // WAL lets history reads run while a message is being written.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        var email = options.AgentEmail.Trim().ToLowerInvariant();
        var agent = await db.Users.FirstOrDefaultAsync(u => u.Email == email);
        if (agent is null)
        {
            agent = new User { Name = options.AgentName, Email = email, Role = Roles.Agent };
            db.Users.Add(agent);
        }
        agent.Role = Roles.Agent;
        agent.PasswordHash = hasher.HashPassword(agent, options.AgentPassword);
        await db.SaveChangesAsync();
    }
}
