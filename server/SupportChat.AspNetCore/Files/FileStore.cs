namespace SupportChat.Server.Files;

/// <summary>
/// Where uploaded files' bytes live, by the file's random id: local disk (<see cref="DiskFileStore"/>) or
/// Azure Blob Storage (<see cref="BlobFileStore"/>). Names, types and who may read them are in the database.
/// </summary>
public interface IFileStore
{
    Task SaveAsync(string id, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancel);

    /// <summary>The file's bytes, or null when there is no such file.</summary>
    Task<Stream?> OpenReadAsync(string id, CancellationToken cancel);

    /// <summary>The file's bytes, and on disk a half-written temporary file of it, if any.</summary>
    Task DeleteAsync(string id, CancellationToken cancel);

    /// <summary>
    /// Every file id in the store, with when it was last written; a half-written temporary file counts as
    /// its id. For the sweep, which removes bytes no row names (an upload that failed between the two).
    /// </summary>
    IAsyncEnumerable<StoredFile> ListAsync(CancellationToken cancel);
}

/// <summary>A file id the store holds bytes for, and when they were written.</summary>
public sealed record StoredFile(string Id, DateTimeOffset Written);

public static class FileStoreRegistration
{
    /// <summary>Azure Blob Storage when a connection string is configured, else the files folder on disk.</summary>
    public static IServiceCollection AddFileStore(this IServiceCollection services) =>
        services.AddSingleton<IFileStore>(sp =>
        {
            var options = sp.GetRequiredService<SupportChatOptions>();
            return options.Blob.Length > 0 ? new BlobFileStore(options.Blob, options.BlobContainer) : new DiskFileStore(options.FilesPath);
        });
}

/// <summary>
/// One file per upload in a folder (by default beside the SQLite database), named by its id only. A file is
/// written under a temporary name and moved into place, so a reader never finds half of one.
/// </summary>
public sealed class DiskFileStore(string folder) : IFileStore
{
    public string Folder => folder;

    public async Task SaveAsync(string id, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancel)
    {
        Directory.CreateDirectory(folder);
        var temporary = PathOf(id) + Partial;
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
        {
            await file.WriteAsync(content, cancel);
        }
        File.Move(temporary, PathOf(id), overwrite: true);
    }

    public Task<Stream?> OpenReadAsync(string id, CancellationToken cancel)
    {
        var path = PathOf(id);
        return Task.FromResult<Stream?>(File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true) : null);
    }

    public Task DeleteAsync(string id, CancellationToken cancel)
    {
        File.Delete(PathOf(id));
        File.Delete(PathOf(id) + Partial);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<StoredFile> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        if (!Directory.Exists(folder)) yield break;
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            cancel.ThrowIfCancellationRequested();
            var name = Path.GetFileName(path);
            var id = name.EndsWith(Partial, StringComparison.Ordinal) ? name[..^Partial.Length] : name;
            // Anything else in the folder is not ours to judge.
            if (!FileIds.IsValid(id)) continue;
            yield return new StoredFile(id, File.GetLastWriteTimeUtc(path));
        }
        await Task.CompletedTask;
    }

    private const string Partial = ".partial";

    // Ids are made by the server (FileIds), so never a path; checked anyway, as the one place a path is built.
    private string PathOf(string id) => FileIds.IsValid(id) ? Path.Combine(folder, id) : throw new ArgumentException("Not a file id.", nameof(id));
}
