using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace SupportChat.Server.Files;

/// <summary>
/// Files in an Azure Blob Storage container (<c>SUPPORTCHAT_BLOB</c>), one blob per file named by its id:
/// every instance behind a balancer reads what any of them stored. The container is made on first use.
/// </summary>
public sealed class BlobFileStore(string connectionString, string containerName) : IFileStore
{
    private readonly BlobContainerClient container = new(connectionString, containerName);
    private volatile bool created;

    public BlobContainerClient Container => container;

    public async Task SaveAsync(string id, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancel)
    {
        if (!created)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancel);
            created = true;
        }
        await container.GetBlobClient(id).UploadAsync(
            new BinaryData(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } },
            cancel);
    }

    public async Task<Stream?> OpenReadAsync(string id, CancellationToken cancel)
    {
        try
        {
            var download = await container.GetBlobClient(id).DownloadStreamingAsync(cancellationToken: cancel);
            return download.Value.Content;
        }
        catch (RequestFailedException missing) when (missing.Status == StatusCodes.Status404NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string id, CancellationToken cancel) =>
        await container.GetBlobClient(id).DeleteIfExistsAsync(cancellationToken: cancel);

    public async IAsyncEnumerable<StoredFile> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        if (!await container.ExistsAsync(cancel)) yield break;
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancel))
        {
            // A blob not named like a file id was put there by someone else: left alone.
            if (!FileIds.IsValid(blob.Name)) continue;
            yield return new StoredFile(blob.Name, blob.Properties.LastModified ?? DateTimeOffset.MaxValue);
        }
    }
}
