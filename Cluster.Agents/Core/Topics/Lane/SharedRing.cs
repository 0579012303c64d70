using System.IO.MemoryMappedFiles;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// A memory-mapped ring file through which a lane hands large payloads to a node on the same machine: the sending
/// node creates it per connection, writes each payload into it and sends only where it lies over the lane's socket;
/// the receiving node maps the same file and copies the payload out. The file starts with a page holding a magic
/// and a random nonce, so the receiver proves it mapped the very file the sender offered, and two counters: up to
/// where the reader has taken the payloads, and whether the writer waits for that; the payload bytes follow. The
/// reader wakes the writer over the socket only when it waits, so a stream of payloads that fits costs no message
/// back.
/// </summary>
internal sealed class SharedRing : IDisposable
{
    /// <summary>The bytes before the ring's data: magic, nonce and the two counters, padded to a page.</summary>
    public const int HeaderSize = 4096;

    public const int NonceSize = 16;

    // Where the reader publishes up to where it has taken the payloads, and where the writer says it waits for
    // that: each on a cache line of its own.
    private const int FreedAt = 64;
    private const int WaitingAt = 128;

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
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite | FileShare.Delete,
            PreallocationSize = HeaderSize + size,
        };
        if (!OperatingSystem.IsWindows())
        {
            // The payloads are for the other node, not for every user of the machine: a node of another user cannot map it and takes the socket.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(path, options);
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

    /// <summary>Maps a ring another node offered; null, with the reason, unless it is that node's ring in this machine's ring folder.</summary>
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
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
            {
                if (stream.Length != HeaderSize + size)
                {
                    reason = $"the ring file holds {stream.Length:N0} bytes, not {HeaderSize + size:N0}";
                    return null;
                }

                file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
            }

            var view = file.CreateViewAccessor(0, HeaderSize + size, MemoryMappedFileAccess.ReadWrite);
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

    /// <summary>Copies <paramref name="length"/> bytes of <paramref name="source"/> to <paramref name="offset"/> of the ring's data.</summary>
    public void Write(long offset, byte[] source, int length)
    {
        var view = Acquire(offset, length);
        try
        {
            Marshal.Copy(source, 0, view, length);
        }
        finally
        {
            _view.SafeMemoryMappedViewHandle.DangerousRelease();
        }
    }

    /// <summary>Copies <paramref name="length"/> bytes of the ring's data at <paramref name="offset"/> into <paramref name="into"/>.</summary>
    public void Read(long offset, byte[] into, int length)
    {
        var view = Acquire(offset, length);
        try
        {
            Marshal.Copy(view, into, 0, length);
        }
        finally
        {
            _view.SafeMemoryMappedViewHandle.DangerousRelease();
        }
    }

    /// <summary>Gets or sets (the reader) up to where the payloads have been taken.</summary>
    public long Freed
    {
        get => ReadCounter(FreedAt);
        set => WriteCounter(FreedAt, value);
    }

    /// <summary>Gets or sets (the writer) whether it waits for the reader to take payloads.</summary>
    public bool WriterWaits
    {
        get => ReadCounter(WaitingAt) != 0;
        set => WriteCounter(WaitingAt, value ? 1 : 0);
    }

    // The counters are aligned 64-bit words: read and written whole. The full fence after a write orders it
    // before the other counter's read that follows (the writer: waits, then freed; the reader: freed, then
    // waits), so at least one side sees the other's write and no wake is lost.
    private long ReadCounter(int at)
    {
        var view = AcquireHeader();
        try
        {
            return Marshal.ReadInt64(view + at);
        }
        finally
        {
            _view.SafeMemoryMappedViewHandle.DangerousRelease();
        }
    }

    private void WriteCounter(int at, long value)
    {
        var view = AcquireHeader();
        try
        {
            Marshal.WriteInt64(view + at, value);
            Interlocked.MemoryBarrier();
        }
        finally
        {
            _view.SafeMemoryMappedViewHandle.DangerousRelease();
        }
    }

    private nint AcquireHeader()
    {
        var added = false;
        _view.SafeMemoryMappedViewHandle.DangerousAddRef(ref added);
        return _view.SafeMemoryMappedViewHandle.DangerousGetHandle() + (nint)_view.PointerOffset;
    }

    // Where the bytes at `offset` are mapped, the mapping held until released. Marshal.Copy moves the bytes in
    // blocks; SafeBuffer's span reads and writes go one element at a time.
    private nint Acquire(long offset, int length)
    {
        if (offset < 0 || offset + length > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"{length:N0} bytes at {offset:N0} do not lie inside a ring of {Size:N0} bytes.");
        }

        var added = false;
        _view.SafeMemoryMappedViewHandle.DangerousAddRef(ref added);
        return _view.SafeMemoryMappedViewHandle.DangerousGetHandle() + (nint)(_view.PointerOffset + HeaderSize + offset);
    }

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
        private readonly LaneSignal _woken = new();
        private long _written;
        private volatile Exception? _closed;

        public SharedRing Ring => ring;

        /// <summary>
        /// Writes a payload into the ring, waiting while the reader has not yet freed enough; returns where it lies.
        /// A payload never wraps around the ring's end.
        /// </summary>
        /// <exception cref="IOException">The connection closed while waiting.</exception>
        /// <exception cref="InvalidDataException">The reader claims to have taken more than was written.</exception>
        public async ValueTask<long> WriteAsync(LaneBuffer payload, CancellationToken token)
        {
            // Back to the ring's beginning whenever the payload fits there, so that while the reader keeps up the
            // ring's first bytes are used again and again (and stay in the processor's cache); else after the
            // last one, or at the beginning when it does not fit before the end.
            var written = _written;
            var at = written % ring.Size;
            var beginning = written + (ring.Size - at);
            var start = at != 0 && Fits(written, beginning + payload.Length) ? beginning
                : at + payload.Length <= ring.Size ? written
                : beginning;
            var end = start + payload.Length;
            var waited = false;
            while (!Fits(written, end))
            {
                waited = true;
                // Says it waits, then looks again: the reader frees, then looks whether to wake it.
                var woken = _woken.Next;
                ring.WriterWaits = true;
                if (Fits(written, end))
                {
                    break;
                }

                if (_closed is { } e)
                {
                    throw new IOException($"The lane closed while a payload of {payload.Length:N0} bytes waited for room in the shared-memory ring: {e.Message}", e);
                }

                await woken.WaitAsync(token).ConfigureAwait(false);
            }

            if (waited)
            {
                ring.WriterWaits = false;
            }

            ring.Write(start % ring.Size, payload.Array, payload.Length);
            _written = end;
            return start;
        }

        // The reader frees up to the end of each payload it took: the space skipped before a payload that started
        // over at the beginning is free as soon as everything written is.
        private bool Fits(long written, long end)
        {
            var freed = ring.Freed;
            if (freed > written || freed < 0)
            {
                throw new InvalidDataException($"The receiving node freed the ring up to {freed:N0}, beyond what was written ({written:N0}).");
            }

            return freed == written || end - freed <= ring.Size;
        }

        /// <summary>Reads the reader's wake-ups until the connection ends, which wakes a waiting writer for good.</summary>
        public async Task ReadWakeUpsAsync(Socket socket, CancellationToken token)
        {
            var wake = new byte[64];
            try
            {
                while (await socket.ReceiveAsync(wake, SocketFlags.None, token).ConfigureAwait(false) > 0)
                {
                    _woken.Set();
                }

                throw new EndOfStreamException("The receiving node closed the lane.");
            }
            catch (Exception e)
            {
                // Whoever waits for room wakes and gives up: a dead reader frees nothing more.
                _closed = e;
                _woken.Set();
            }
        }
    }

    /// <summary>The reader's side: gives back the space of each payload it took, and wakes the writer when it waits.</summary>
    public sealed class Reader(SharedRing ring, Socket socket)
    {
        private static readonly byte[] Wake = [1];
        private long _taken;

        public SharedRing Ring => ring;

        /// <summary>Copies the payload at <paramref name="position"/> into <paramref name="into"/> and frees its space.</summary>
        /// <exception cref="InvalidDataException">The payload does not lie whole in the ring after the previous one.</exception>
        public async ValueTask TakeAsync(long position, byte[] into, int length, CancellationToken token)
        {
            if (position < _taken || length > ring.Size || (position % ring.Size) + length > ring.Size)
            {
                throw new InvalidDataException($"A payload of {length:N0} bytes at {position:N0} does not lie whole after {_taken:N0} in a ring of {ring.Size:N0} bytes.");
            }

            ring.Read(position % ring.Size, into, length);
            _taken = position + length;
            ring.Freed = _taken;
            if (ring.WriterWaits)
            {
                await socket.SendAsync(Wake, SocketFlags.None, token).ConfigureAwait(false);
            }
        }
    }
}
