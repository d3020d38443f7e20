using System.Buffers.Binary;
using System.Text;

namespace SupportChat.Server.Files;

/// <summary>What an upload turned out to be: the bytes to keep and their type, or why it was refused.</summary>
public sealed record FileVerdict(string? ContentType, ReadOnlyMemory<byte> Content, string? Refusal)
{
    public static FileVerdict Accept(string contentType, ReadOnlyMemory<byte> content) => new(contentType, content, null);

    public static FileVerdict Refuse(string refusal) => new(null, ReadOnlyMemory<byte>.Empty, refusal);
}

/// <summary>
/// The bytes a walker keeps, written over the front of the upload's own buffer: what is kept is never longer
/// than what has been read, so the copy never overtakes the walk, and an upload needs one buffer, not three.
/// </summary>
internal sealed class KeptBytes(byte[] data)
{
    public int Length { get; private set; }

    public void Write(int from, int count)
    {
        Buffer.BlockCopy(data, from, data, Length, count);
        Length += count;
    }

    public void WriteByte(byte value) => data[Length++] = value;

    public ReadOnlyMemory<byte> Memory => data.AsMemory(0, Length);
}

/// <summary>
/// Decides what a file is from its bytes, never from its name or the type the uploader declared, against an
/// allow-list: PNG, JPEG, GIF, WebP, PDF and plain UTF-8 text. An image is walked chunk by chunk (segment,
/// block) to its end marker, and anything after that end is refused: that is where a polyglot (a PNG with a
/// page appended, a GIF with an archive behind it) keeps its second self. Walking is chosen over re-encoding
/// because the framework has no image codecs and the walk changes no pixel. On the way, what identifies a
/// person or carries text is dropped: PNG's text, time and EXIF chunks and any unknown ancillary chunk, JPEG's
/// APPn segments but JFIF, ICC and Adobe (colour) and its comments (and the extra pictures phones append after
/// the first: depth and gain maps), GIF's comments, text and other applications' blocks, WebP's EXIF, XMP and
/// unknown chunks.
/// Dropping EXIF drops a photo's orientation too: a phone picture may show turned. What is kept is an
/// allow-list per format (see each walker); data hidden inside the compressed picture itself is not found
/// (that needs decoding). PDFs are kept as sent (rewriting one needs a PDF library) unless their
/// uncompressed text holds a script, an action or an embedded file, and are only ever served as downloads.
/// </summary>
public static class FileContent
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string WebP = "image/webp";
    public const string Pdf = "application/pdf";
    public const string Text = "text/plain";

    /// <summary>The types a browser may show in the page (<c>inline</c>); everything else is a download.</summary>
    public static bool IsImage(string contentType) => contentType is Png or Jpeg or Gif or WebP;

    /// <summary>The file name extensions a type may carry; the first is added to a name that has none of them.</summary>
    public static string[] Extensions(string contentType) => contentType switch
    {
        Png => [".png"],
        Jpeg => [".jpg", ".jpeg", ".jfif"],
        Gif => [".gif"],
        WebP => [".webp"],
        Pdf => [".pdf"],
        // Text is always offered as .txt: a .csv opens in a spreadsheet, which runs a cell such as
        // =HYPERLINK(…) as a formula; as .txt it opens in an editor, as the plain text it was taken as.
        _ => [".txt"],
    };

    public const string Allowed = "PNG, JPEG, GIF, WebP, PDF or plain text (UTF-8)";

    /// <summary>
    /// What the first <paramref name="length"/> bytes of <paramref name="buffer"/> are. The kept bytes are
    /// written over the buffer's front (the verdict's content is a slice of it), so the buffer is the
    /// verdict's until it is stored.
    /// </summary>
    public static FileVerdict Inspect(byte[] buffer, int length)
    {
        if (length == 0) return FileVerdict.Refuse("The file is empty.");
        var data = buffer;
        var bytes = buffer.AsSpan(0, length);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return PngFile(data, length);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return JpegFile(data, length);
        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8)) return GifFile(data, length);
        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8)) return WebPFile(data, length);
        if (bytes.StartsWith("%PDF-"u8)) return PdfFile(data, length);
        return TextFile(data, length);
    }

    private static FileVerdict Broken(string kind, string why) => FileVerdict.Refuse($"The file starts as a {kind} but is not a complete one: {why}.");

    private static FileVerdict Trailing(string kind) =>
        FileVerdict.Refuse($"The file is a {kind} with more data after its end; files that are two things at once are refused.");

    // PNG chunks a browser needs to draw the picture as meant; every other ancillary chunk is dropped.
    private static readonly HashSet<string> PngKept =
    [
        "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "cHRM", "gAMA", "iCCP", "sBIT", "sRGB", "bKGD", "pHYs",
        "acTL", "fcTL", "fdAT", "cICP", "mDCv", "cLLi",
    ];

    private static FileVerdict PngFile(byte[] data, int total)
    {
        var kept = new KeptBytes(data);
        kept.Write(0, 8);
        var pos = 8;
        var sawData = false;
        while (pos + 12 <= total)
        {
            var chunk = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos));
            var type = Encoding.ASCII.GetString(data, pos + 4, 4);
            if (!type.All(char.IsAsciiLetter)) return Broken("PNG", $"a chunk at byte {pos} has no valid type");
            if (pos == 8 && type != "IHDR") return Broken("PNG", "it does not begin with its header chunk");
            var end = pos + 12L + chunk;
            if (end > total) return Broken("PNG", $"the {type} chunk runs past the end of the file");
            if (type == "IDAT") sawData = true;
            if (PngKept.Contains(type) && (type != "iCCP" || IsIccChunk(data.AsSpan(pos + 8, (int)chunk)))) kept.Write(pos, (int)(end - pos));
            // An unknown critical chunk (capital first letter) would make the picture undrawable.
            else if (char.IsAsciiLetterUpper(type[0])) return Broken("PNG", $"it has a critical chunk {type} no browser draws");
            pos = (int)end;
            if (type == "IEND")
            {
                if (pos != total) return Trailing("PNG");
                return sawData ? FileVerdict.Accept(Png, kept.Memory) : Broken("PNG", "it has no image data");
            }
        }
        return Broken("PNG", "it ends before its IEND chunk");
    }

    /// <summary>The largest colour profile inflated to check it; real ones are a few kilobytes, rarely a megabyte.</summary>
    private const int MaxIccBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Whether an iCCP chunk is a name, a zlib stream and nothing more, inflating to something shaped like a
    /// colour profile (its own length at its start, "acsp" at 36). The stream's checksum ends the chunk, so
    /// bytes added after the stream fail it. Anything else is dropped: the picture shows in sRGB.
    /// </summary>
    private static bool IsIccChunk(ReadOnlySpan<byte> chunk)
    {
        var nul = chunk.IndexOf((byte)0);
        if (nul is < 1 or > 79 || chunk.Length < nul + 2 + 6 || chunk[nul + 1] != 0) return false;
        var stream = chunk[(nul + 2)..];
        byte[] profile;
        try
        {
            using var inflater = new System.IO.Compression.ZLibStream(new MemoryStream(stream.ToArray()), System.IO.Compression.CompressionMode.Decompress);
            using var inflated = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = inflater.Read(buffer)) > 0)
            {
                if (inflated.Length + read > MaxIccBytes) return false;
                inflated.Write(buffer, 0, read);
            }
            profile = inflated.ToArray();
        }
        catch (InvalidDataException)
        {
            return false;
        }
        return profile.Length >= 128
            && BinaryPrimitives.ReadUInt32BigEndian(profile) == profile.Length
            && profile.AsSpan(36, 4).SequenceEqual("acsp"u8)
            && BinaryPrimitives.ReadUInt32BigEndian(stream[^4..]) == Adler32(profile);
    }

    private static uint Adler32(ReadOnlySpan<byte> bytes)
    {
        uint a = 1, b = 0;
        foreach (var value in bytes)
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }
        return (b << 16) | a;
    }

    private static FileVerdict JpegFile(byte[] data, int total)
    {
        var kept = new KeptBytes(data);
        kept.Write(0, 2);
        var pos = 2;
        var sawScan = false;
        while (pos + 1 < total)
        {
            if (data[pos] != 0xFF) return Broken("JPEG", $"byte {pos} is not a segment marker");
            // Any number of 0xFF fill bytes may come before a marker.
            while (pos + 1 < total && data[pos + 1] == 0xFF) pos++;
            if (pos + 1 >= total) break;
            var marker = data[pos + 1];
            if (marker == 0xD9)
            {
                // Phones append further pictures after the first (a depth map, an HDR gain map, named by an
                // APP2 "MPF" segment, dropped above): those go, and only the picture itself is kept. Anything
                // else after the end is the second half of a polyglot.
                if (pos + 2 != total && !data.AsSpan(pos + 2, total - pos - 2).StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return Trailing("JPEG");
                kept.Write(pos, 2);
                return sawScan ? FileVerdict.Accept(Jpeg, kept.Memory) : Broken("JPEG", "it has no image data");
            }
            if (marker is >= 0xD0 and <= 0xD7 or 0x01)
            {
                // Restart markers are the picture's; TEM (0x01) is a marker no picture needs.
                if (marker != 0x01) kept.Write(pos, 2);
                pos += 2;
                continue;
            }
            if (pos + 4 > total) break;
            var segment = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(pos + 2));
            var end = pos + 2 + segment;
            if (segment < 2 || end > total) return Broken("JPEG", $"a segment at byte {pos} runs past the end of the file");
            var payload = data.AsSpan(pos + 4, segment - 2);
            if (marker == 0xE0 && payload.Length >= JfifHeader && payload.StartsWith("JFIF\0"u8))
            {
                // The JFIF header without its thumbnail: a second picture no one sees, and room for anything.
                var at = kept.Length;
                kept.Write(pos, 4 + JfifHeader);
                data[at + 2] = 0;
                data[at + 3] = 2 + JfifHeader;
                data[at + 4 + JfifHeader - 2] = 0;
                data[at + 4 + JfifHeader - 1] = 0;
            }
            else if (KeepJpegSegment(marker, payload))
            {
                kept.Write(pos, end - pos);
            }
            pos = end;
            if (marker != 0xDA) continue;

            // After a scan header comes entropy-coded data, up to the next marker that is neither a stuffed
            // 0xFF00 nor a restart marker.
            sawScan = true;
            var scan = pos;
            while (pos + 1 < total && !(data[pos] == 0xFF && data[pos + 1] is not 0x00 and not (>= 0xD0 and <= 0xD7) and not 0xFF)) pos++;
            kept.Write(scan, pos - scan);
        }
        return Broken("JPEG", "it ends before its end-of-image marker");
    }

    /// <summary>JFIF's identifier, version, units, densities and thumbnail size, without the thumbnail.</summary>
    private const int JfifHeader = 14;

    /// <summary>
    /// An allow-list: the segments a decoder needs (frame headers, Huffman, arithmetic and quantisation
    /// tables, restart interval, scan headers), APP2 only as an ICC profile and APP14 only as Adobe's colour
    /// transform. Everything else goes: APPn metadata, comments, and the reserved JPGn markers whose segments
    /// no decoder reads, where a whole archive can ride along (JPG1, 0xF1).
    /// </summary>
    private static bool KeepJpegSegment(byte marker, ReadOnlySpan<byte> payload) => marker switch
    {
        >= 0xC0 and <= 0xCF => marker != 0xC8, // SOFn, DHT (C4), DAC (CC); C8 is the reserved JPG
        0xDA or 0xDB or 0xDD => true, // SOS, DQT, DRI
        0xE2 => payload.StartsWith("ICC_PROFILE\0"u8),
        0xEE => payload.StartsWith("Adobe"u8),
        _ => false,
    };

    private static FileVerdict GifFile(byte[] data, int total)
    {
        if (total < 13) return Broken("GIF", "it is shorter than its header");
        var kept = new KeptBytes(data);
        var pos = 13 + ColourTable(data[10]);
        if (pos > total) return Broken("GIF", "its colour table runs past the end of the file");
        kept.Write(0, pos);
        var sawImage = false;
        while (pos < total)
        {
            var start = pos;
            switch (data[pos])
            {
                case 0x3B:
                    if (pos + 1 != total) return Trailing("GIF");
                    kept.WriteByte(0x3B);
                    return sawImage ? FileVerdict.Accept(Gif, kept.Memory) : Broken("GIF", "it has no image");
                case 0x2C:
                    if (pos + 11 > total) return Broken("GIF", "an image header runs past the end of the file");
                    pos += 10 + ColourTable(data[pos + 9]) + 1;
                    sawImage = true;
                    break;
                case 0x21 when pos + 2 <= total:
                    pos += 2;
                    break;
                default:
                    return Broken("GIF", $"byte {pos} starts no block");
            }
            pos = SkipSubBlocks(data, total, pos);
            if (pos < 0) return Broken("GIF", "a block runs past the end of the file");
            if (data[start] != 0x21 || KeepGifExtension(data.AsSpan(start, pos - start))) kept.Write(start, pos - start);
        }
        return Broken("GIF", "it ends before its trailer");
    }

    /// <summary>
    /// An allow-list of extensions, each only in its exact shape: the graphic control (frame delay and
    /// transparency: one block of 4) and the loop count of an animation (NETSCAPE2.0 or ANIMEXTS1.0, one
    /// block of 3). Comments, plain text, XMP and every other application's block go, as does a kept kind
    /// with more blocks than its shape, where the more would be somewhere to hide.
    /// </summary>
    private static bool KeepGifExtension(ReadOnlySpan<byte> block) => block[1] switch
    {
        0xF9 => block.Length == 8 && block[2] == 4,
        0xFF => block.Length == 19 && block[2] == 11
            && (block[3..14].SequenceEqual("NETSCAPE2.0"u8) || block[3..14].SequenceEqual("ANIMEXTS1.0"u8)) && block[14] == 3 && block[15] == 1,
        _ => false,
    };

    private static int ColourTable(byte packed) => (packed & 0x80) != 0 ? 3 * (1 << ((packed & 7) + 1)) : 0;

    /// <summary>The position after a run of GIF sub-blocks ending in an empty one, or -1 if it runs past the end.</summary>
    private static int SkipSubBlocks(byte[] data, int total, int pos)
    {
        while (pos < total)
        {
            var size = data[pos];
            pos += 1 + size;
            if (size == 0) return pos;
        }
        return -1;
    }

    private static FileVerdict WebPFile(byte[] data, int total)
    {
        var declared = 8L + BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(4));
        if (declared > total) return Broken("WebP", "it is shorter than its header says");
        if (declared < total) return Trailing("WebP");
        var kept = new KeptBytes(data);
        kept.Write(0, 12);
        var pos = 12;
        var vp8x = -1;
        var sawImage = false;
        while (pos < total)
        {
            if (pos + 8 > total) return Broken("WebP", "a chunk header runs past the end of the file");
            var type = Encoding.ASCII.GetString(data, pos, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos + 4));
            var end = pos + 8L + size + (size & 1);
            if (end > total) return Broken("WebP", $"the {type.Trim()} chunk runs past the end of the file");
            if (pos == 12 && type is not ("VP8 " or "VP8L" or "VP8X")) return Broken("WebP", "it does not begin with an image chunk");
            if (type is "VP8 " or "VP8L" or "ANMF") sawImage = true;
            if (type == "ANMF" && !FrameHoldsOnlyPictures(data, pos + 8 + 16, pos + 8 + (int)size))
            {
                return FileVerdict.Refuse("The file is a WebP animation with a frame that holds more than a picture; files that are two things at once are refused.");
            }
            // An allow-list: the picture, its alpha, its animation and its colour profile. EXIF, XMP and any
            // chunk of a kind the format does not define go, with the RIFF size made right below.
            if (type is "VP8 " or "VP8L" or "VP8X" or "ALPH" or "ANIM" or "ANMF" or "ICCP")
            {
                if (type == "VP8X") vp8x = kept.Length;
                kept.Write(pos, (int)(end - pos));
            }
            pos = (int)end;
        }
        if (!sawImage) return Broken("WebP", "it has no image data");
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), (uint)(kept.Length - 8));
        // The extended header says which metadata chunks follow: none do now.
        if (vp8x >= 0 && vp8x + 8 < kept.Length) data[vp8x + 8] &= unchecked((byte)~(0x08 | 0x04));
        return FileVerdict.Accept(WebP, kept.Memory);
    }

    /// <summary>Whether an animation frame's data (after its 16-byte header) is only alpha and picture chunks.</summary>
    private static bool FrameHoldsOnlyPictures(byte[] data, int pos, int end)
    {
        while (pos < end)
        {
            if (pos + 8 > end) return false;
            var size = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos + 4));
            if (!(data.AsSpan(pos, 4).SequenceEqual("ALPH"u8) || data.AsSpan(pos, 4).SequenceEqual("VP8 "u8) || data.AsSpan(pos, 4).SequenceEqual("VP8L"u8))) return false;
            var next = pos + 8L + size + (size & 1);
            if (next > end) return false;
            pos = (int)next;
        }
        return true;
    }

    private static FileVerdict PdfFile(byte[] data, int total)
    {
        var end = total;
        // Writers pad after the last %%EOF with line ends, spaces and sometimes NULs; nothing else may follow.
        while (end > 0 && data[end - 1] is (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t' or 0) end--;
        if (!data.AsSpan(0, end).EndsWith("%%EOF"u8))
        {
            return data.AsSpan(0, total).IndexOf("%%EOF"u8) >= 0 ? Trailing("PDF") : Broken("PDF", "it has no %%EOF at its end");
        }
        var pdf = data.AsSpan(0, total);
        foreach (var tag in PdfMarkup)
        {
            if (ContainsIgnoringCase(pdf, tag)) return FileVerdict.Refuse("The file starts as a PDF but holds a web page, which this chat never stores: send the PDF as its program saved it.");
        }
        if (PdfActiveName(pdf) is { } name)
        {
            return FileVerdict.Refuse($"The PDF holds {name}: scripts, actions that run when it opens, and embedded files are not taken. Print it to a new PDF and send that.");
        }
        return FileVerdict.Accept(Pdf, data.AsMemory(0, total));
    }

    // What a browser that sniffed the file would take for a page.
    private static readonly byte[][] PdfMarkup = [.. new[] { "<html", "<script", "<!doctype", "<body", "<svg", "<iframe" }.Select(Encoding.ASCII.GetBytes)];

    // What makes a PDF do something rather than show something.
    private static readonly HashSet<string> PdfActiveNames = ["JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "OpenAction", "AA"];

    /// <summary>
    /// The first name (<c>/JavaScript</c>, <c>/JS</c>, <c>/Launch</c>, <c>/EmbeddedFile</c>, <c>/OpenAction</c>,
    /// <c>/AA</c>) in the file's uncompressed text that makes it act, with <c>#xx</c> escapes read, or null.
    /// Compressed object streams are not inflated: a name inside one is not seen. PDFs are served only as
    /// downloads, so what is missed runs, if at all, in the reader a person chose to open it with.
    /// </summary>
    private static string? PdfActiveName(ReadOnlySpan<byte> pdf)
    {
        var name = new StringBuilder();
        for (var i = pdf.IndexOf((byte)'/'); i >= 0 && i < pdf.Length;)
        {
            name.Clear();
            var j = i + 1;
            while (j < pdf.Length && !IsPdfDelimiter(pdf[j]) && name.Length <= 16)
            {
                if (pdf[j] == '#' && j + 2 < pdf.Length && byte.TryParse(Encoding.ASCII.GetString(pdf.Slice(j + 1, 2)), System.Globalization.NumberStyles.HexNumber, null, out var escaped))
                {
                    name.Append((char)escaped);
                    j += 3;
                }
                else
                {
                    name.Append((char)pdf[j]);
                    j++;
                }
            }
            if (PdfActiveNames.Contains(name.ToString())) return "/" + name;
            var next = pdf[j..].IndexOf((byte)'/');
            i = next < 0 ? -1 : j + next;
        }
        return null;
    }

    private static bool IsPdfDelimiter(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\f' or 0
        or (byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}' or (byte)'/' or (byte)'%';

    private static bool ContainsIgnoringCase(ReadOnlySpan<byte> haystack, byte[] needle)
    {
        // Every needle starts with '<': only the places a '<' stands are compared.
        for (var i = haystack.IndexOf((byte)'<'); i >= 0;)
        {
            if (haystack.Length - i >= needle.Length && System.Text.Ascii.EqualsIgnoreCase(haystack.Slice(i, needle.Length), needle)) return true;
            var next = haystack[(i + 1)..].IndexOf((byte)'<');
            i = next < 0 ? -1 : i + 1 + next;
        }
        return false;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// How a web page, an SVG or an XML document begins. A text file that begins so is refused: it is a page
    /// sent as something else (HTML renamed .png, SVG declared image/png), not text. Markup further in (a log
    /// that quotes a tag, a snippet pasted to ask about it) is text: a text file is only ever served as a
    /// download under a .txt name, as text/plain with nosniff and a sandbox, so no browser runs it as a page.
    /// </summary>
    private static readonly string[] DocumentStarts = ["<!doctype", "<html", "<head", "<body", "<script", "<svg", "<?xml", "<iframe", "<!--"];

    private static FileVerdict TextFile(byte[] data, int total)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(data, 0, total);
        }
        catch (DecoderFallbackException)
        {
            return FileVerdict.Refuse($"The file is not one of the types this chat takes: {Allowed}.");
        }
        foreach (var c in text)
        {
            if ((c < ' ' && c is not '\n' and not '\r' and not '\t' and not '\f') || c is (>= '\x7f' and <= '\x9f'))
            {
                return FileVerdict.Refuse($"The file is not one of the types this chat takes ({Allowed}): it holds control characters, as binary files do.");
            }
        }
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n', '\f');
        if (DocumentStarts.Any(start => trimmed.StartsWith(start, StringComparison.OrdinalIgnoreCase)))
        {
            return FileVerdict.Refuse("The file is HTML, SVG or XML markup, which this chat never stores: send a screenshot or a PDF instead.");
        }
        return FileVerdict.Accept(Text, data.AsMemory(0, total));
    }
}
