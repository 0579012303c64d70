using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Devices;
using Cluster.Agents.Paths;
using Cluster.Contracts.Calls;

namespace FaultAgents;

/// <summary>
/// Publishes <c>&lt;name&gt;/seq</c> at 1 kHz with consecutive numbers and checks every other load device's
/// numbers for gaps; sends echo requests to its peers every 10 ms and keeps one never-answered request open at each
/// peer's hold device. Owns the state <c>/fault/&lt;name&gt;/alive</c> and observes its peers' (a line when each turns
/// known and when it turns Unknown). Prints one stats line a second and one line per failure of a held request.
/// </summary>
public sealed class LoadDevice : DeviceActor
{
    private readonly Dictionary<string, Source> _sources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Peer> _peers = new(StringComparer.Ordinal);
    private long _next;

    public LoadDevice(LoadSettings settings)
    {
        var calls = CallClient.Get(Context.System);
        var log = Log;
        foreach (var peer in settings.Peers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            _peers[peer] = new Peer();
        }

        On<long>("*/seq", (topic, value) =>
        {
            var source = topic[..topic.IndexOf('/', StringComparison.Ordinal)];
            if (source == Name)
            {
                return;
            }

            if (!_sources.TryGetValue(source, out var seen))
            {
                _sources[source] = seen = new Source { Expected = value };
            }

            if (value > seen.Expected)
            {
                seen.Missing += value - seen.Expected;
            }
            else if (value < seen.Expected)
            {
                seen.Late++;
            }

            seen.Received++;
            seen.Expected = Math.Max(seen.Expected, value + 1);
        });
        OnRequest<long, long>("echo", value => value);
        var started = Stopwatch.StartNew();
        Every(TimeSpan.FromMilliseconds(10), () =>
        {
            // The timer ticks less often than asked under load: each tick catches up to the rate, at most 100 at once.
            var due = (long)(started.Elapsed.TotalSeconds * settings.Rate);
            for (var i = 0; _next < due && i < 100; i++)
            {
                Publish("seq", _next++);
            }
        });
        Every(TimeSpan.FromSeconds(1), () =>
        {
            var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            var topics = string.Join("; ", _sources.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"from {s.Key} received={s.Value.Received} missing={s.Value.Missing} late={s.Value.Late}"));
            var requests = string.Join("; ", _peers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value.Describe(p.Key)));
            log.Info("stats t={0} published={1} | {2} | {3}", now, _next, topics, requests);
        });
        var paths = PathClient.Create(Context, "/fault");
        AddTask(cancel => StatesAsync(paths, log, Name, [.. _peers.Keys], cancel));
        foreach (var (name, peer) in _peers)
        {
            AddTask(cancel => EchoAsync(calls, name, peer, cancel));
            AddTask(cancel => HoldAsync(calls, log, name.Replace("load", "hold", StringComparison.Ordinal), cancel));
        }
    }

    private static async Task StatesAsync(PathClient paths, ILoggingAdapter log, string name, string[] peers, CancellationToken cancel)
    {
        var alive = await paths.RegisterStateAsync<long>($"{name}/alive");
        alive.Changed(1);
        var observations = new List<IAsyncDisposable>();
        try
        {
            foreach (var peer in peers)
            {
                var path = $"/fault/{peer}/alive";
                void Seen(bool known) => log.Info("state {0} {1} t={2}", path, known ? "known" : "Unknown", TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
                var observation = await paths.ObserveAsync<long>(path, value => Seen(value.IsKnown), cancel);
                observations.Add(observation);
                if (observation.Initial.IsKnown)
                {
                    Seen(true);
                }
            }

            await Task.Delay(Timeout.Infinite, cancel).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        finally
        {
            foreach (var observation in observations)
            {
                await observation.DisposeAsync();
            }
        }
    }

    private static async Task EchoAsync(CallClient calls, string name, Peer peer, CancellationToken cancel)
    {
        long n = 0;
        while (!cancel.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await calls.RequestAsync<long>(name, new EndpointCall("echo", [n++]), TimeSpan.FromSeconds(5), cancel);
                peer.Ok(Stopwatch.GetElapsedTime(started));
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
            catch (UnknownNameException)
            {
                peer.Unknown();
            }
            catch (Exception e)
            {
                peer.Failed(e);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), cancel).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task HoldAsync(CallClient calls, ILoggingAdapter log, string name, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await calls.RequestAsync<object>(name, new EndpointCall("hold", []), TimeSpan.FromSeconds(120), cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
            catch (UnknownNameException)
            {
                // Not registered yet, or gone: try again shortly.
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancel).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }
            catch (Exception e)
            {
                log.Info("held request to {0} failed t={1}: {2}: {3}", name, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), e.GetType().Name, e.Message);
                return;
            }
        }
    }

    private sealed class Source
    {
        public long Expected { get; set; }

        public long Received { get; set; }

        public long Missing { get; set; }

        public long Late { get; set; }
    }

    private sealed class Peer
    {
        private readonly object _gate = new();
        private readonly List<double> _latencies = [];
        private long _ok;
        private long _failed;
        private long _unknown;
        private long _firstUnknown;
        private string _lastError = "";

        public void Ok(TimeSpan latency)
        {
            lock (_gate)
            {
                _ok++;
                _latencies.Add(latency.TotalMilliseconds);
            }
        }

        public void Unknown()
        {
            lock (_gate)
            {
                // Before the first answer the name is not registered yet, which is no failure.
                if (_ok == 0)
                {
                    return;
                }

                _unknown++;
                if (_firstUnknown == 0)
                {
                    _firstUnknown = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
                }
            }
        }

        public void Failed(Exception e)
        {
            lock (_gate)
            {
                _failed++;
                _lastError = $"{e.GetType().Name}: {e.Message}";
            }
        }

        public string Describe(string name)
        {
            lock (_gate)
            {
                var sorted = _latencies.Order().ToArray();
                string Percentile(double p) => sorted.Length == 0 ? "-" : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)].ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
                // Latencies of the last second only, so that a fault's effect shows in the lines written during it.
                _latencies.Clear();
                return $"to {name} ok={_ok} failed={_failed} unknown={_unknown} unknown-since={_firstUnknown} p50={Percentile(0.5)} p99={Percentile(0.99)} max={Percentile(1)} last-error={_lastError}";
            }
        }
    }
}
