using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// A memory-mapped ring file through which a lane hands large payloads to a node on the same machine: the sending
/// node creates it per connection, writes each payload into it and sends only where it lies over the lane's socket;
/// the receiving node maps the same file, copies the payload out and tells the sender, on the same socket, up to
/// where the ring is free again. The file starts with a page holding a magic and a random nonce, so the receiver
/// proves it mapped the very file the sender offered; the payload bytes follow.
/// </summary>
internal sealed class SharedRing : IDisposable
{
    /// <summary>The bytes before the ring's data: magic and nonce, padded to a page.</summary>
    public const int HeaderSize = 4096;

    public const int NonceSize = 16;

    private const string Prefix = "cluster-lane-";
    private const string Suffix = ".ring";
    private static readonly byte[] Magic = "CLNR"u8.ToArray();

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private string? _undeleted;

    private SharedRing(string path, long size, byte[] nonce, MemoryMappedFile file, MemoryMappedViewAccessor view, bool owner)
    {
        Path = path;
        Size = size;
        Nonce = nonce;
        _file = file;
        _view = view;
        _undeleted = owner ? path : null;
    }

    /// <summary>Gets what identifies this machine and its current boot, or null when it cannot be told (then no ring is used).</summary>
    public static string? MachineIdentity { get; } = ReadMachineIdentity();

    /// <summary>Gets where ring files are created: <c>/dev/shm</c> when it exists (memory, never a disk), else the temp folder.</summary>
    public static string Folder { get; } = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();

    public string Path { get; }

    /// <summary>Gets how many payload bytes the ring holds.</summary>
    public long Size { get; }

    public byte[] Nonce { get; }

    /// <summary>
    /// Creates a ring of <paramref name="size"/> bytes with all its memory reserved up front (a full
    /// <c>/dev/shm</c> fails here, not later with a fault on a write into the mapping). Files that processes no
    /// longer running left behind are removed first.
    /// </summary>
    public static SharedRing Create(long size)
    {
        RemoveStale();
        var path = System.IO.Path.Combine(Folder, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}{Suffix}");
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite | FileShare.Delete,
            PreallocationSize = HeaderSize + size,
        });
        MemoryMappedFile? file = null;
        try
        {
            stream.SetLength(HeaderSize + size);
            file = MemoryMappedFile.CreateFromFile(stream, null, HeaderSize + size, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            var view = file.CreateViewAccessor(0, HeaderSize + size, MemoryMappedFileAccess.ReadWrite);
            var header = new byte[Magic.Length + NonceSize];
            Magic.CopyTo(header, 0);
            nonce.CopyTo(header, Magic.Length);
            view.WriteArray(0, header, 0, header.Length);
            return new SharedRing(path, size, nonce, file, view, owner: true);
        }
        catch
        {
            if (file is null)
            {
                stream.Dispose();
            }

            file?.Dispose();
            TryDelete(path);
            throw;
        }
    }

    /// <summary>Maps, read-only, a ring another node offered; null, with the reason, unless it is that node's ring in this machine's ring folder.</summary>
    public static SharedRing? Open(string path, long size, ReadOnlySpan<byte> nonce, out string reason)
    {
        var name = System.IO.Path.GetFileName(path);
        if (!string.Equals(System.IO.Path.GetDirectoryName(path), System.IO.Path.TrimEndingDirectorySeparator(Folder), StringComparison.Ordinal)
            || !name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal))
        {
            reason = $"the ring '{path}' is not a lane ring file in {Folder}";
            return null;
        }

        if (size <= 0 || nonce.Length != NonceSize)
        {
            reason = $"the ring's size {size} or nonce is not valid";
            return null;
        }

        MemoryMappedFile? file = null;
        try
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                if (stream.Length != HeaderSize + size)
                {
                    reason = $"the ring file holds {stream.Length:N0} bytes, not {HeaderSize + size:N0}";
                    return null;
                }

                file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            }

            var view = file.CreateViewAccessor(0, HeaderSize + size, MemoryMappedFileAccess.Read);
            var header = new byte[Magic.Length + NonceSize];
            view.ReadArray(0, header, 0, header.Length);
            if (!header.AsSpan(0, Magic.Length).SequenceEqual(Magic) || !header.AsSpan(Magic.Length).SequenceEqual(nonce))
            {
                view.Dispose();
                file.Dispose();
                reason = "the ring file is not the one offered (its nonce differs)";
                return null;
            }

            reason = "";
            return new SharedRing(path, size, nonce.ToArray(), file, view, owner: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            file?.Dispose();
            reason = $"the ring file cannot be mapped here: {e.Message}";
            return null;
        }
    }

    /// <summary>
    /// Tells whether a connection's other end is on this machine: the kernel routed it over loopback, or to the very
    /// address it came from. Only then is a ring offered or taken (besides the machine identity and the nonce).
    /// </summary>
    public static bool IsLocal(Socket socket) =>
        socket.LocalEndPoint is IPEndPoint local && socket.RemoteEndPoint is IPEndPoint remote
        && (IPAddress.IsLoopback(remote.Address) || remote.Address.Equals(local.Address));

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/> of the ring's data.</summary>
    public void Write(long offset, ReadOnlySpan<byte> bytes) =>
        _view.SafeMemoryMappedViewHandle.WriteSpan((ulong)(HeaderSize + offset), bytes);

    /// <summary>Copies the ring's data at <paramref name="offset"/> into <paramref name="into"/>.</summary>
    public void Read(long offset, Span<byte> into) =>
        _view.SafeMemoryMappedViewHandle.ReadSpan((ulong)(HeaderSize + offset), into);

    /// <summary>
    /// Removes the creator's file while both sides keep their mappings: from then on nothing is left behind, however
    /// either process ends. Where an open file cannot be removed, <see cref="Dispose"/> tries again.
    /// </summary>
    public void Unlink()
    {
        if (_undeleted is { } path && TryDelete(path))
        {
            _undeleted = null;
        }
    }

    public void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
        Unlink();
    }

    /// <summary>Gets the ring files of this process still present (a test hook).</summary>
    public static string[] OwnFiles() =>
        Directory.GetFiles(Folder, $"{Prefix}{Environment.ProcessId}-*{Suffix}");

    // A ring file is named after its creator's process id: a file whose process is gone is stale, and removed. A
    // process id used again by an unrelated process keeps its files until that one ends too.
    private static void RemoveStale()
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(Folder, $"{Prefix}*{Suffix}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var file in files)
        {
            var name = System.IO.Path.GetFileName(file).AsSpan(Prefix.Length);
            var dash = name.IndexOf('-');
            if (dash > 0 && int.TryParse(name[..dash], out var pid) && pid != Environment.ProcessId && !IsRunning(pid))
            {
                TryDelete(file);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        if (Directory.Exists("/proc/self"))
        {
            return Directory.Exists($"/proc/{pid}");
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // The machine id alone would be shared by containers started from one image; with the boot id, two nodes that
    // agree are on one running kernel (containers of one host still may not share /dev/shm: the nonce check tells).
    private static string? ReadMachineIdentity()
    {
        var machine = ReadFirst("/etc/machine-id", "/var/lib/dbus/machine-id");
        var boot = ReadFirst("/proc/sys/kernel/random/boot_id");
        return machine is null || boot is null ? null : $"{machine}/{boot}";
    }

    private static string? ReadFirst(params string[] paths)
    {
        foreach (var path in paths)
        {
            try
            {
                var text = File.ReadAllText(path).Trim();
                if (text.Length > 0)
                {
                    return text;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    /// <summary>The writer's side of a ring on one connection: where the next payload goes, and how much the reader has freed.</summary>
    public sealed class Writer(SharedRing ring)
    {
        private readonly LaneSignal _freedSignal = new();
        private long _written;
        private long _freed;
        private volatile Exception? _closed;

        public SharedRing Ring => ring;

        /// <summary>
        /// Writes a payload into the ring, waiting while the reader has not yet freed enough; returns where it lies.
        /// A payload never wraps: when it does not fit before the end, it starts at the beginning again.
        /// </summary>
        /// <exception cref="IOException">The connection closed while waiting.</exception>
        public async ValueTask<long> WriteAsync(ReadOnlyMemory<byte> payload, CancellationToken token)
        {
            var written = _written;
            var at = written % ring.Size;
            var start = at + payload.Length <= ring.Size ? written : written + (ring.Size - at);
            var end = start + payload.Length;
            while (true)
            {
                // The reader frees up to the end of each payload it took: the space skipped before a payload that
                // started over at the beginning is free as soon as everything written is.
                var freed = _freedSignal.Next;
                var free = Volatile.Read(ref _freed);
                if (free == written || end - free <= ring.Size)
                {
                    break;
                }

                if (_closed is { } e)
                {
                    throw new IOException($"The lane closed while a payload of {payload.Length:N0} bytes waited for room in the shared-memory ring: {e.Message}", e);
                }

                await freed.WaitAsync(token).ConfigureAwait(false);
            }

            ring.Write(start % ring.Size, payload.Span);
            Volatile.Write(ref _written, end);
            return start;
        }

        /// <summary>Reads the reader's credits (64-bit positions up to which the ring is free) until the connection ends.</summary>
        public async Task ReadCreditsAsync(Socket socket, CancellationToken token)
        {
            var credit = new byte[8];
            try
            {
                while (true)
                {
                    var got = 0;
                    while (got < credit.Length)
                    {
                        var count = await socket.ReceiveAsync(credit.AsMemory(got), SocketFlags.None, token).ConfigureAwait(false);
                        got += count > 0 ? count : throw new EndOfStreamException("The receiving node closed the lane.");
                    }

                    var freed = BinaryPrimitives.ReadInt64LittleEndian(credit);
                    var written = Volatile.Read(ref _written);
                    if (freed > written)
                    {
                        throw new InvalidDataException($"The receiving node freed the ring up to {freed:N0}, beyond what was written ({written:N0}).");
                    }

                    Volatile.Write(ref _freed, Math.Max(freed, Volatile.Read(ref _freed)));
                    _freedSignal.Set();
                }
            }
            catch (Exception e)
            {
                // Whoever waits for room wakes and gives up: a dead reader frees nothing more.
                _closed = e;
                _freedSignal.Set();
            }
        }
    }
}
