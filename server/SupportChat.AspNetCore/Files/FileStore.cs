namespace SupportChat.Server.Files;

/// <summary>
/// Where uploaded files' bytes live, by the file's random id: local disk (<see cref="DiskFileStore"/>) or
/// Azure Blob Storage (<see cref="BlobFileStore"/>). Names, types and who may read them are in the database.
/// </summary>
public interface IFileStore
{
    Task SaveAsync(string id, byte[] content, string contentType, CancellationToken cancel);

    /// <summary>The file's bytes, or null when there is no such file.</summary>
    Task<Stream?> OpenReadAsync(string id, CancellationToken cancel);

    Task DeleteAsync(string id, CancellationToken cancel);
}

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

    public async Task SaveAsync(string id, byte[] content, string contentType, CancellationToken cancel)
    {
        Directory.CreateDirectory(folder);
        var temporary = PathOf(id) + ".partial";
        await File.WriteAllBytesAsync(temporary, content, cancel);
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
        return Task.CompletedTask;
    }

    // Ids are made by the server (FileIds), so never a path; checked anyway, as the one place a path is built.
    private string PathOf(string id) => FileIds.IsValid(id) ? Path.Combine(folder, id) : throw new ArgumentException("Not a file id.", nameof(id));
}
