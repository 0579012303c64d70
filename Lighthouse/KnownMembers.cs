using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Lighthouse;

/// <summary>
/// Remembers, in a file, the hosts of the cluster this Lighthouse is in, so that a restarted Lighthouse first asks them
/// to let it in (they are listed among its seeds) instead of forming a second, empty cluster beside them. Once Up, it
/// also looks for remembered nodes that answer but are not members: two clusters of one group, which it reports loudly.
/// </summary>
public sealed class KnownMembers : ReceiveActor, IWithTimers
{
    /// <summary>How often remembered nodes that are not members are asked whether they are alive.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(10);

    /// <summary>How many probes in a row a remembered node may leave unanswered (5 minutes) before it is forgotten.</summary>
    public const int ForgetAfterProbes = 30;

    private readonly string _path;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<Address> _warned = [];
    private readonly Dictionary<Address, int> _unanswered = [];
    private ImmutableHashSet<Address> _remembered;
    private ImmutableSortedSet<string> _written = [];
    private bool _left;

    /// <summary>Creates the actor.</summary>
    /// <param name="path">The file the hosts' addresses are kept in.</param>
    /// <param name="remembered">The addresses read from the file at start.</param>
    public KnownMembers(string path, ImmutableArray<Address> remembered)
    {
        _path = path;
        _remembered = [.. remembered];
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        Receive<ClusterEvent.CurrentClusterState>(_ => Save(null));
        Receive<ClusterEvent.IMemberEvent>(changed =>
        {
            if (changed.Member.Address == _cluster.SelfAddress && changed is ClusterEvent.MemberRemoved or ClusterEvent.MemberExited or ClusterEvent.MemberDowned)
            {
                // Leaving: the file keeps the last cluster this Lighthouse knew, for its next start.
                _left = true;
            }
            else if (changed is ClusterEvent.MemberRemoved removed && !_left)
            {
                Removed(removed.Member);
                return;
            }

            // The event is newer than Cluster.State, which is updated by a subscription of its own and may lag it.
            Save(changed is ClusterEvent.MemberUp or ClusterEvent.MemberWeaklyUp ? changed.Member.Address : null);
        });
        Receive<Probe>(_ => ProbeStrangers());
        Receive<ActorIdentity>(identity => Answered(identity));
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the actor's props.</summary>
    /// <param name="path">The file the hosts' addresses are kept in.</param>
    /// <param name="remembered">The addresses read from the file at start.</param>
    /// <returns>The props.</returns>
    public static Props Props(string path, ImmutableArray<Address> remembered) =>
        Akka.Actor.Props.Create(() => new KnownMembers(path, remembered));

    /// <summary>Reads the remembered hosts' endpoints; a missing or unreadable file remembers none.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The endpoints, one per line of <c>host:port</c>.</returns>
    public static ImmutableArray<DnsEndPoint> Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.Exists(path) ? File.ReadAllLines(path) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var endpoints = ImmutableArray.CreateBuilder<DnsEndPoint>();
        foreach (var line in lines)
        {
            var colon = line.LastIndexOf(':');
            if (colon > 0 && int.TryParse(line.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
            {
                endpoints.Add(new DnsEndPoint(line[..colon], port));
            }
        }

        return endpoints.ToImmutable();
    }

    /// <summary>Gets the default file for a Lighthouse of <paramref name="group"/> on <paramref name="port"/>.</summary>
    /// <param name="group">The cluster's name.</param>
    /// <param name="port">The Lighthouse's port.</param>
    /// <returns>A path under systemd's <c>STATE_DIRECTORY</c>, else <c>XDG_STATE_HOME</c>, else <c>~/.local/state</c>.</returns>
    public static string DefaultPath(string group, int port)
    {
        var folder = Environment.GetEnvironmentVariable("STATE_DIRECTORY") is { Length: > 0 } systemd
            ? systemd.Split(':')[0]
            : Path.Combine(
                Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
                    ? xdg
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state"),
                "cluster-lighthouse");
        return Path.Combine(folder, $"{group}-{port.ToString(CultureInfo.InvariantCulture)}.members");
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer(nameof(Probe), Probe.Instance, ProbeInterval);
    }

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Save(Address? up)
    {
        var state = _cluster.State;
        if (_left || !(up == _cluster.SelfAddress || state.Members.Any(m => m.Address == _cluster.SelfAddress && m.Status == MemberStatus.Up)))
        {
            return;
        }

        if (up is not null && up != _cluster.SelfAddress)
        {
            _remembered = _remembered.Add(up);
        }

        // Hosts are forgotten only when this cluster removes them or they stop answering: a Lighthouse that formed a
        // cluster of its own still knows, for its next start, the hosts it should have joined.
        _remembered = _remembered
            .Union(state.Members.Where(m => m.Address != _cluster.SelfAddress && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp).Select(m => m.Address))
            .Except(state.Members.Where(m => m.Status is MemberStatus.Down or MemberStatus.Exiting).Select(m => m.Address));
        Write();
    }

    private void Removed(Member member)
    {
        if (member.Address != _cluster.SelfAddress)
        {
            _remembered = _remembered.Remove(member.Address);
            Write();
        }
    }

    private void Write()
    {
        var lines = _remembered.Select(a => $"{a.Host}:{a.Port}").ToImmutableSortedSet(StringComparer.Ordinal);
        if (lines.SetEquals(_written))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
            var temporary = _path + ".new";
            File.WriteAllLines(temporary, lines);
            File.Move(temporary, _path, overwrite: true);
            _written = lines;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Warning("could not remember the cluster's members in {0}: {1}; a restart of this Lighthouse will not find them.", _path, e.Message);
        }
    }

    private void ProbeStrangers()
    {
        var members = _cluster.State.Members.Select(m => m.Address).ToHashSet();
        foreach (var address in _remembered.Where(a => !members.Contains(a)))
        {
            // A remembered node that stays silent is gone for good; it is not asked forever.
            _unanswered[address] = _unanswered.GetValueOrDefault(address) + 1;
            if (_unanswered[address] > ForgetAfterProbes)
            {
                _remembered = _remembered.Remove(address);
                _unanswered.Remove(address);
                Write();
                continue;
            }

            // Every cluster node runs this actor; an answer says a node of this group lives there, outside this cluster.
            Context.ActorSelection(new RootActorPath(address) / "system" / "cluster" / "core" / "daemon").Tell(new Identify(address));
        }
    }

    private void Answered(ActorIdentity identity)
    {
        if (identity.Subject is null || identity.MessageId is not Address address)
        {
            return;
        }

        _unanswered.Remove(address);
        if (_cluster.State.Members.Any(m => m.Address == address))
        {
            _warned.Remove(address);
            return;
        }

        if (_warned.Add(address))
        {
            _log.Warning(
                "TWO CLUSTERS of group '{0}': {1} answers but is not a member of this cluster (members: {2}). The nodes of one of them must be restarted to join the other: restart this Lighthouse now that {1} answers (it asks the hosts it remembers before it forms a cluster), or restart the nodes of the other cluster with this Lighthouse as their seed.",
                Context.System.Name,
                address,
                string.Join(", ", _cluster.State.Members.Select(m => m.Address)));
        }
    }

    private sealed record Probe
    {
        public static readonly Probe Instance = new();

        private Probe()
        {
        }
    }
}
