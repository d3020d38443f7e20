using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting;

namespace SupportChat.Server.Tests;

/// <summary>
/// The server as an operator starts it: the built program in a process of its own, in the Production
/// environment unless a test says otherwise. What it refuses, it refuses in one line on stderr with a
/// non-zero exit, before it listens.
/// </summary>
public sealed class StartupTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("support-chat-startup-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("support-demo")]
    [InlineData("eleven-char")]
    public async Task The_default_agent_or_a_short_password_is_refused_in_Production(string? password)
    {
        await using var server = ServerProcess.Start(folder, ("SUPPORTCHAT_AGENT_PASSWORD", password));
        await AssertRefused(server, "SUPPORTCHAT_AGENT_PASSWORD");
    }

    [Fact]
    public async Task An_agent_password_longer_than_a_login_accepts_is_refused()
    {
        await using var server = ServerProcess.Start(folder, ("SUPPORTCHAT_AGENT_PASSWORD", new string('p', 129)));
        await AssertRefused(server, "longer than 128");
    }

    [Fact]
    public async Task An_agent_password_of_exactly_the_login_limit_starts_and_signs_in()
    {
        var password = new string('p', 128);
        await using var server = ServerProcess.Start(folder, ("SUPPORTCHAT_AGENT_PASSWORD", password));
        await server.Healthy();
        using var client = new HttpClient { BaseAddress = server.Url };
        var login = await client.PostAsJsonAsync("/users/login", new { email = "agent@example.com", password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Theory]
    [InlineData("BQUFBQU=")]
    [InlineData("not base64 at all")]
    public async Task A_short_or_malformed_JWT_key_is_refused(string key)
    {
        await using var server = ServerProcess.Start(folder, ("SUPPORTCHAT_AGENT_PASSWORD", "a-long-agent-password"), ("SUPPORTCHAT_JWT_KEY", key));
        await AssertRefused(server, "SUPPORTCHAT_JWT_KEY");
    }

    [Theory]
    [InlineData("SUPPORTCHAT_BLOB", "not a connection string")]
    [InlineData("SUPPORTCHAT_FILE_URL_KEY", "BQUFBQU=")]
    [InlineData("SUPPORTCHAT_MAX_FILE_BYTES", "0")]
    public async Task A_wrong_file_setting_is_refused_at_start_not_at_the_first_upload(string name, string value)
    {
        await using var server = ServerProcess.Start(folder, ("SUPPORTCHAT_AGENT_PASSWORD", "a-long-agent-password"), (name, value));
        await AssertRefused(server, name);
    }

    /// <summary>Found now rather than at the first hub call, or never: a typo in the hours would leave the team always closed.</summary>
    [Theory]
    [InlineData("SUPPORTCHAT_HOURS", "Mon-Fri 9-17")]
    [InlineData("SUPPORTCHAT_HOURS", "Mon-Fri 17:00-09:00")]
    [InlineData("SUPPORTCHAT_TIME_ZONE", "Europe/Nowhere")]
    [InlineData("SUPPORTCHAT_READ_INTERVAL_MS", "-1")]
    [InlineData("SUPPORTCHAT_READ_INTERVAL_MS", "1s")]
    [InlineData("SUPPORTCHAT_AGENT_RECEIPTS", "no")]
    public async Task A_wrong_workflow_setting_is_refused_at_start(string name, string value)
    {
        await using var server = ServerProcess.Start(folder, ("SUPPORTCHAT_AGENT_PASSWORD", "a-long-agent-password"), (name, value));
        await AssertRefused(server, name);
    }

    [Fact]
    public async Task The_demo_says_so_in_its_first_line_and_its_default_agent_signs_in()
    {
        await using var server = ServerProcess.Start(folder, ("SUPPORTCHAT_DEMO", "true"));
        await server.Healthy();

        var first = server.Output.Split('\n')[0];
        Assert.StartsWith("Demo mode:", first);
        Assert.Contains("agent@example.com / support-demo", first);
        Assert.Contains("not for production", first);
        using var client = new HttpClient { BaseAddress = server.Url };
        var login = await client.PostAsJsonAsync("/users/login", new { email = "agent@example.com", password = "support-demo" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task A_configured_agent_with_a_password_of_its_own_starts_in_Production()
    {
        await using var server = ServerProcess.Start(folder, ("SUPPORTCHAT_AGENT_PASSWORD", "a-long-agent-password"));
        await server.Healthy();
        Assert.DoesNotContain("Demo mode", server.Output);
    }

    [Fact]
    public async Task Promoting_an_existing_account_to_agent_is_refused()
    {
        var database = Path.Combine(folder, "chat.db");
        using (var before = new ServerFactory())
        {
            var first = before.WithWebHostBuilder(builder => builder.UseSetting("SUPPORTCHAT_DB", database));
            var registered = await first.CreateClient().PostAsJsonAsync("/users/register", new { name = "Bob", email = "bob@example.com", password = "bobs-password" });
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using var server = ServerProcess.Start(folder,
            ("SUPPORTCHAT_AGENT_EMAIL", "bob@example.com"), ("SUPPORTCHAT_AGENT_PASSWORD", "a-long-agent-password"));
        await AssertRefused(server, "bob@example.com");
    }

    private static async Task AssertRefused(ServerProcess server, string subject)
    {
        var exitCode = await server.Exited();
        Assert.NotEqual(0, exitCode);
        var reason = Assert.Single(server.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("Refusing to start:", reason);
        Assert.Contains(subject, reason);
        Assert.DoesNotContain("Exception", server.Output + server.Errors);
        Assert.DoesNotContain("Now listening", server.Output);
    }

    /// <summary>The built server in a process, on a free port of 127.0.0.1, with only the settings a test gives it.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new();
        private readonly StringBuilder errors = new();

        private ServerProcess(Process process, Uri url)
        {
            this.process = process;
            Url = url;
        }

        public Uri Url { get; }

        public string Output
        {
            get { lock (output) return output.ToString(); }
        }

        public string Errors
        {
            get { lock (errors) return errors.ToString(); }
        }

        public static ServerProcess Start(string folder, params (string Key, string? Value)[] settings)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "SupportChat.Server.dll") },
                WorkingDirectory = ServerFactory.ServerProjectFolder(),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            // Only what the test sets: nothing from the shell that runs the tests.
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SUPPORTCHAT_") || k.StartsWith("ASPNETCORE_") || k == "DOTNET_ENVIRONMENT").ToList())
            {
                start.Environment.Remove(key);
            }
            start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["SUPPORTCHAT_DB"] = Path.Combine(folder, "chat.db");
            foreach (var (key, value) in settings)
            {
                if (value is not null) start.Environment[key] = value;
            }

            var server = new ServerProcess(new Process { StartInfo = start }, new Uri($"http://127.0.0.1:{port}"));
            server.process.OutputDataReceived += (_, line) => Append(server.output, line.Data);
            server.process.ErrorDataReceived += (_, line) => Append(server.errors, line.Data);
            server.process.Start();
            server.process.BeginOutputReadLine();
            server.process.BeginErrorReadLine();
            return server;
        }

        /// <summary>The exit code, once the process has ended and its output has been read to the end.</summary>
        public async Task<int> Exited()
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return process.ExitCode;
        }

        public async Task Healthy()
        {
            using var client = new HttpClient { BaseAddress = Url };
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                Assert.False(process.HasExited, $"The server exited:\n{Output}\n{Errors}");
                try
                {
                    if ((await client.GetAsync("/health")).IsSuccessStatusCode) return;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                await Task.Delay(100);
            }
            Assert.Fail($"The server did not answer /health in 60 s:\n{Output}\n{Errors}");
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }

        private static void Append(StringBuilder text, string? line)
        {
            if (line is null) return;
            lock (text) text.Append(line).Append('\n');
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
