using System.Text.Json;
using Microsoft.Extensions.Options;

namespace SupportChat.SeedServer;

public sealed record User(int Id, string Name, string Email, string PasswordHash);

public sealed record Chat(int Id, int GroupId, int UserId, string Message);

/// <summary>
/// Users and chats in memory behind one lock, written whole to a JSON file after every change (to a
/// temporary file first, then renamed over the old one, so a killed server leaves either state, never half).
/// Ids are monotonic across restarts: one more than the highest stored.
/// </summary>
public sealed class ChatStore
{
    private sealed record Contents(List<User> Users, List<Chat> Chats);

    private readonly Lock gate = new();
    private readonly string file;
    private readonly Contents contents;

    public ChatStore(IOptions<SeedOptions> options)
    {
        file = options.Value.DataFile;
        contents = File.Exists(file)
            ? JsonSerializer.Deserialize<Contents>(File.ReadAllText(file))!
            : new Contents([], []);
    }

    /// <summary>The new user, or null when the email is taken.</summary>
    public User? AddUser(string name, string email, Func<string> hashPassword)
    {
        lock (gate)
        {
            if (contents.Users.Any(u => u.Email == email)) return null;
            var user = new User(NextId(contents.Users.Select(u => u.Id)), name, email, hashPassword());
            contents.Users.Add(user);
            Save();
            return user;
        }
    }

    public User? FindUser(string email)
    {
        lock (gate) return contents.Users.FirstOrDefault(u => u.Email == email);
    }

    public User? FindUser(int id)
    {
        lock (gate) return contents.Users.FirstOrDefault(u => u.Id == id);
    }

    public Chat AddChat(int groupId, int userId, string message)
    {
        lock (gate)
        {
            var chat = new Chat(NextId(contents.Chats.Select(c => c.Id)), groupId, userId, message);
            contents.Chats.Add(chat);
            Save();
            return chat;
        }
    }

    public List<Chat> Chats(int groupId)
    {
        lock (gate) return contents.Chats.Where(c => c.GroupId == groupId).ToList();
    }

    private static int NextId(IEnumerable<int> ids) => ids.DefaultIfEmpty(0).Max() + 1;

    private void Save()
    {
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(contents));
        File.Move(temporary, file, overwrite: true);
    }
}
