// The same insert the server makes for one message, sent straight through the driver by K concurrent
// senders for a while: the floor under the server's stored messages per second. Prints one JSON line.
//   dotnet DirectInserts.dll sqlite "Data Source=chat.db" --senders 10 --seconds 5 --user 1 --group 1 [--synchronous NORMAL]
//   dotnet DirectInserts.dll postgres "Host=…" --senders 10 --seconds 5 --user 1 --group 1
using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

var provider = args[0];
var connectionString = args[1];
string Option(string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}
var senders = int.Parse(Option("--senders", "1"), System.Globalization.CultureInfo.InvariantCulture);
var seconds = double.Parse(Option("--seconds", "5"), System.Globalization.CultureInfo.InvariantCulture);
var userId = int.Parse(Option("--user", "1"), System.Globalization.CultureInfo.InvariantCulture);
var groupId = int.Parse(Option("--group", "1"), System.Globalization.CultureInfo.InvariantCulture);
var synchronous = Option("--synchronous", "");

DbConnection Connect() => provider == "postgres" ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);

// The statement EF Core sends for one Chat (parameter names aside); SQLite and PostgreSQL both RETURNING the id.
const string InsertSql = """
    INSERT INTO "Chats" ("ClientMessageId", "CreatedAt", "GroupId", "Message", "UserId")
    VALUES (NULL, @createdAt, @groupId, @message, @userId)
    RETURNING "Id";
    """;

// One insert first, not counted: opening the first connection and the first statement cost the start-up.
await Insert(-1, 0);

var stored = 0;
var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
var started = Stopwatch.GetTimestamp();
await Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
{
    for (var n = 0; Stopwatch.GetTimestamp() < deadline; n++)
    {
        await Insert(sender, n);
        Interlocked.Increment(ref stored);
    }
})));
var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
Console.WriteLine($$"""{"stored":{{stored}},"seconds":{{elapsed.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""");

// Opened from the driver's pool for each message and closed after, as EF Core does per request.
async Task Insert(int sender, int n)
{
    await using var connection = Connect();
    await connection.OpenAsync();
    if (synchronous.Length > 0 && connection is SqliteConnection)
    {
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA synchronous={synchronous};";
        await pragma.ExecuteNonQueryAsync();
    }
    await using var command = connection.CreateCommand();
    command.CommandText = InsertSql;
    Add(command, "@createdAt", provider == "postgres" ? DateTime.UtcNow : DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture));
    Add(command, "@groupId", groupId);
    Add(command, "@message", $"direct {sender} #{n}");
    Add(command, "@userId", userId);
    await command.ExecuteScalarAsync();
}

static void Add(DbCommand command, string name, object value)
{
    var parameter = command.CreateParameter();
    parameter.ParameterName = name;
    parameter.Value = value;
    command.Parameters.Add(parameter);
}
