namespace SupportChat.Server;

/// <summary>
/// Files attached to messages: how large, where they are kept, how long their links last and how fast they
/// may be uploaded. Each has a <c>SUPPORTCHAT_*</c> variable; <c>docs/deployment.md</c> lists them.
/// </summary>
public sealed partial class SupportChatOptions
{
    /// <summary>The largest file one may upload, in bytes (10 MB); one byte more is a 413.</summary>
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Folder for uploaded files on local disk. Empty: a <c>files</c> folder beside the SQLite database.</summary>
    public string FilesPath { get; set; } = "";

    /// <summary>Azure Blob Storage connection string: files are kept there instead of on disk, shared by every instance.</summary>
    public string Blob { get; set; } = "";

    /// <summary>The blob container the files go in; made when first needed.</summary>
    public string BlobContainer { get; set; } = "support-chat-files";

    /// <summary>How long a file's signed URL works. Every read of a message (history, push) signs a fresh one.</summary>
    public TimeSpan FileUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// HMAC key for file URLs, base64. Empty: one is derived from the JWT key, so every instance that shares
    /// that key accepts the others' URLs with nothing more configured.
    /// </summary>
    public string FileUrlKey { get; set; } = "";

    /// <summary>Files a visitor or user may upload per <see cref="SendWindow"/>.</summary>
    public int UploadLimit { get; set; } = 10;

    /// <summary>Files an agent may upload per <see cref="SendWindow"/>.</summary>
    public int AgentUploadLimit { get; set; } = 100;

    /// <summary>Files from one client IP per <see cref="SendWindow"/>, whoever uploads them.</summary>
    public int UploadLimitPerIp { get; set; } = 30;

    /// <summary>
    /// A file uploaded but never attached to a message is deleted after this long (an hour: a chip waits for
    /// its message minutes, not days, and what waits counts against <see cref="MaxPendingFileBytes"/>).
    /// </summary>
    public TimeSpan UnattachedFileLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Bytes one user may hold in files uploaded but not yet sent (50 MB): without it, one visitor could fill
    /// the disk with files no message ever names, faster than the sweep removes them. Over it: 429.
    /// </summary>
    public long MaxPendingFileBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Bytes one conversation may hold in files, sent and waiting together (250 MB). Over it: 413.</summary>
    public long MaxConversationFileBytes { get; set; } = 250L * 1024 * 1024;

    /// <summary>
    /// Uploads one instance reads at once (four per processor). Each holds a buffer as large as the file
    /// while its content is checked, so this bounds the memory uploads take; one more is a 503 with Retry-After.
    /// </summary>
    public int MaxConcurrentUploads { get; set; } = Environment.ProcessorCount * 4;

    private void ApplyFilesEnvironment(IConfiguration configuration)
    {
        if (long.TryParse(configuration["SUPPORTCHAT_MAX_FILE_BYTES"], out var maxFile)) MaxFileBytes = maxFile;
        FilesPath = configuration["SUPPORTCHAT_FILES"] is { Length: > 0 } files ? files : FilesPath;
        Blob = configuration["SUPPORTCHAT_BLOB"] ?? Blob;
        BlobContainer = configuration["SUPPORTCHAT_BLOB_CONTAINER"] is { Length: > 0 } container ? container : BlobContainer;
        if (int.TryParse(configuration["SUPPORTCHAT_FILE_URL_SECONDS"], out var urlSeconds)) FileUrlLifetime = TimeSpan.FromSeconds(urlSeconds);
        FileUrlKey = configuration["SUPPORTCHAT_FILE_URL_KEY"] ?? FileUrlKey;
        if (int.TryParse(configuration["SUPPORTCHAT_UPLOAD_LIMIT"], out var uploads)) UploadLimit = uploads;
        if (int.TryParse(configuration["SUPPORTCHAT_AGENT_UPLOAD_LIMIT"], out var agentUploads)) AgentUploadLimit = agentUploads;
        if (int.TryParse(configuration["SUPPORTCHAT_UPLOAD_LIMIT_PER_IP"], out var ipUploads)) UploadLimitPerIp = ipUploads;
        if (double.TryParse(configuration["SUPPORTCHAT_UNATTACHED_FILE_HOURS"], System.Globalization.CultureInfo.InvariantCulture, out var hours)) UnattachedFileLifetime = TimeSpan.FromHours(hours);
        if (int.TryParse(configuration["SUPPORTCHAT_MAX_CONCURRENT_UPLOADS"], out var concurrent)) MaxConcurrentUploads = concurrent;
        if (long.TryParse(configuration["SUPPORTCHAT_MAX_PENDING_FILE_BYTES"], out var pending)) MaxPendingFileBytes = pending;
        if (long.TryParse(configuration["SUPPORTCHAT_MAX_CONVERSATION_FILE_BYTES"], out var conversation)) MaxConversationFileBytes = conversation;
    }

    /// <summary>The files folder, absolute: the configured one, or <c>files</c> beside the database.</summary>
    private string ResolveFilesPath(string contentRoot) =>
        FilesPath.Length > 0
            ? Path.GetFullPath(FilesPath, contentRoot)
            : Path.Combine(Path.GetDirectoryName(Database) ?? contentRoot, "files");
}
