using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Server.Files;

namespace SupportChat.Server.Tests;

/// <summary>A child process the test starts, waits for by a line of its output, and kills with its tree at the end.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ChildProcess(ProcessStartInfo start) => process = new Process { StartInfo = start, EnableRaisingEvents = true };

    public static async Task<ChildProcess> StartAsync(ProcessStartInfo start, string readyLine)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var child = new ChildProcess(start);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        child.process.OutputDataReceived += (_, line) =>
        {
            lock (child.output) child.output.Append(line.Data).Append('\n');
            if (line.Data?.Contains(readyLine, StringComparison.Ordinal) == true) ready.TrySetResult();
        };
        child.process.ErrorDataReceived += (_, line) =>
        {
            lock (child.output) child.output.Append(line.Data).Append('\n');
        };
        child.process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"{start.FileName} exited:\n{child.output}"));
        child.process.Start();
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(90));
        return child;
    }

    public static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}

/// <summary>
/// The upload limit on the real server (Kestrel, not the in-memory test server): set from the option, so
/// Kestrel's own 30 MB limit never answers first, and a chunked body one byte over is a 413 with a sentence.
/// </summary>
public sealed class KestrelUploadTests : IAsyncLifetime
{
    private const long Limit = 29 * 1024 * 1024; // over Kestrel's default of 30,000,000 bytes
    private readonly string folder = Directory.CreateTempSubdirectory("support-chat-upload-").FullName;
    private readonly int port = ChildProcess.FreePort();
    private ChildProcess? server;

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "SupportChat.Server.dll") },
            WorkingDirectory = ServerFactory.ServerProjectFolder(),
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SUPPORTCHAT_") || k.StartsWith("ASPNETCORE_")).ToList()) start.Environment.Remove(key);
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SUPPORTCHAT_DB"] = Path.Combine(folder, "chat.db");
        start.Environment["SUPPORTCHAT_AGENT_PASSWORD"] = "a-long-agent-password";
        start.Environment["SUPPORTCHAT_MAX_FILE_BYTES"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        server = await ChildProcess.StartAsync(start, "Application started");
    }

    public async Task DisposeAsync()
    {
        if (server is not null) await server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>A body sent chunked: no Content-Length for the server to refuse it by, so it is counted as it arrives.</summary>
    private sealed class Chunked : HttpContent
    {
        private readonly HttpContent inner;

        public Chunked(HttpContent inner)
        {
            this.inner = inner;
            Headers.ContentType = inner.Headers.ContentType;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task A_file_of_the_configured_limit_passes_Kestrel_and_one_byte_more_is_a_413_problem()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var visitor = (await (await client.PostAsJsonAsync("/visitors", new { })).Content.ReadFromJsonAsync<VisitorAnswer>())!;
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", visitor.Token);
        var file = new byte[Limit];
        Array.Fill(file, (byte)'x');

        var atLimit = await client.PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(file, "big.txt", "text/plain"));
        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);

        foreach (var body in new HttpContent[] { FileSamples.Form([.. file, (byte)'x'], "big.txt", "text/plain"), new Chunked(FileSamples.Form([.. file, (byte)'x'], "big.txt", "text/plain")) })
        {
            var over = await client.PostAsync($"/chats/{visitor.GroupId}/files", body);
            Assert.True(over.StatusCode == HttpStatusCode.RequestEntityTooLarge, await over.Content.ReadAsStringAsync());
            Assert.Equal("The file is larger than 29 MB.", JsonDocument.Parse(await over.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        }
    }
}

/// <summary>Files in Azure Blob Storage (Azurite, started here on 127.0.0.1), shared by two instances of the server.</summary>
public sealed class BlobStoreTests : IAsyncLifetime
{
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string folder = Directory.CreateTempSubdirectory("support-chat-blob-").FullName;
    private ChildProcess? azurite;
    private string connection = "";

    public async Task InitializeAsync()
    {
        var port = ChildProcess.FreePort();
        var root = Path.GetFullPath(Path.Combine(ServerFactory.ServerProjectFolder(), "..", ".."));
        var start = new ProcessStartInfo(Path.Combine(root, "node_modules", ".bin", "azurite-blob"))
        {
            ArgumentList =
            {
                "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--location", Path.Combine(folder, "azurite"), "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
            },
        };
        azurite = await ChildProcess.StartAsync(start, "successfully listens");
        connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    public async Task DisposeAsync()
    {
        if (azurite is not null) await azurite.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>An instance keeping files in the blob store, its database (and so its signing key) shared with the others.</summary>
    private sealed class Instance(string database, string blob, string files) : ServerFactory
    {
        protected override IEnumerable<(string Key, string Value)> Settings =>
            [("SUPPORTCHAT_DB", database), ("SUPPORTCHAT_BLOB", blob), ("SUPPORTCHAT_FILES", files)];
    }

    [Fact]
    public async Task A_file_uploaded_on_one_instance_is_a_blob_read_through_the_other_and_a_refused_one_is_no_blob()
    {
        var database = Path.Combine(folder, "chat.db");
        await using var a = new Instance(database, connection, Path.Combine(folder, "files-a"));
        await using var b = new Instance(database, connection, Path.Combine(folder, "files-b"));
        var visitor = await a.NewVisitor();
        Assert.IsType<BlobFileStore>(a.Services.GetRequiredService<IFileStore>());

        var refused = await a.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(FileSamples.Html, "x.png", "image/png"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);

        var uploaded = await a.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(FileSamples.Jpeg, "photo.jpg", "image/jpeg"));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var id = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        await a.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "photo", attachments = new[] { id } });

        var container = new BlobContainerClient(connection, "support-chat-files");
        var blobs = new List<string>();
        await foreach (var blob in container.GetBlobsAsync()) blobs.Add(blob.Name);
        Assert.Equal([id], blobs);
        Assert.Equal("image/jpeg", (await container.GetBlobClient(id).GetPropertiesAsync()).Value.ContentType);
        Assert.False(Directory.Exists(Path.Combine(folder, "files-a")));

        // Instance B signs its own link from the shared key and reads the bytes from the shared container.
        var history = JsonDocument.Parse(await b.ClientWith(visitor.Token).GetStringAsync($"/chats/{visitor.GroupId}")).RootElement;
        var link = history.GetProperty("chats")[0].GetProperty("attachments")[0].GetProperty("url").GetString()!;
        var served = await b.ClientWith(null).GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/jpeg", served.Content.Headers.ContentType!.MediaType);
        Assert.Equal(FileSamples.Jpeg, await served.Content.ReadAsByteArrayAsync());
    }

    /// <summary>An instance on the blob store and a clock the test moves.</summary>
    private sealed class ClockInstance(string database, string blob) : ServerFactory
    {
        public MovableClock Clock { get; } = new();

        protected override IEnumerable<(string Key, string Value)> Settings => [("SUPPORTCHAT_DB", database), ("SUPPORTCHAT_BLOB", blob)];

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.ConfigureTestServices(builder, services => services.AddSingleton<TimeProvider>(Clock));
        }
    }

    [Fact]
    public async Task The_sweep_removes_an_old_blob_no_row_names_and_leaves_attached_files_and_blobs_not_named_as_files()
    {
        await using var server = new ClockInstance(Path.Combine(folder, "sweep.db"), connection);
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var uploaded = await client.PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(FileSamples.Png, "a.png", "image/png"));
        var kept = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "kept", attachments = new[] { kept } });
        // Bytes an upload saved before it failed to save its row, and a blob someone else put in the container.
        var orphan = FileIds.New();
        await server.Services.GetRequiredService<IFileStore>().SaveAsync(orphan, FileSamples.Png, FileContent.Png, CancellationToken.None);
        var container = new BlobContainerClient(connection, "support-chat-files");
        await container.GetBlobClient("exports/readme.txt").UploadAsync(new BinaryData("not a chat file"u8.ToArray()));
        var sweep = server.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<UnattachedFileSweep>().Single();

        Assert.Equal(0, await sweep.SweepAsync(CancellationToken.None));
        server.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await sweep.SweepAsync(CancellationToken.None));

        var blobs = new List<string>();
        await foreach (var blob in container.GetBlobsAsync()) blobs.Add(blob.Name);
        Assert.Equal(new[] { kept, "exports/readme.txt" }.Order(), blobs.Order());
    }
}
