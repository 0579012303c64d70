using System.Threading.Channels;
using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Commands;
using Cli = System.CommandLine;

namespace Cluster.Agents.Commands;

/// <summary>
/// An actor that runs commands given as strings (SDSS clu's actor): it declares its commands with System.CommandLine, parses
/// each command string such as <c>expose --time 3.5 --count 2</c>, runs the matching handler with a <see cref="Command"/>,
/// and streams the command's replies back to its commander, ending with its status.
/// </summary>
/// <remarks>
/// <para>Its name is its actor name, registered cluster-wide. Clients command it with <see cref="CommandClient.SendCommand(string, string, TimeSpan?)"/>
/// from any node; tools written for clu command it over its TCP/JSON endpoint (<see cref="CommandActorOptions.Tcp"/>).</para>
/// <para>Built-in commands: <c>ping</c> (replies <c>Pong.</c>), <c>help</c> (the commands and their arguments; <c>help expose</c> or
/// <c>expose --help</c> for one), <c>version</c> and <c>get-schema</c>.</para>
/// <para>Commands run side by side, as in clu: handlers start on the actor and continue on the thread pool, so they must share
/// state only through thread-safe members. A handler whose task completes while its command is still running finishes it (Done);
/// one that throws fails it with clu's message.</para>
/// <para>Broadcasts (replies written with <c>broadcast: true</c>, replies of timed commands, and <see cref="Broadcast"/>) go to every
/// TCP connection and on the topic <see cref="BroadcastTopic"/>, where any node can listen.</para>
/// </remarks>
public abstract class CommandActor : EndpointActor
{
    /// <summary>The registry kind of command actors.</summary>
    public const string RegistryKind = "command-actor";

    /// <summary>The endpoint that runs a <see cref="CommandRequest"/> and streams its <see cref="CommandReply"/>s.</summary>
    public const string CommandEndpoint = "command";

    /// <summary>The endpoint that takes a <see cref="CancelCommand"/>.</summary>
    public const string CancelEndpoint = "cancel";

    /// <summary>The endpoint that answers the TCP endpoint's address, <c>host:port</c>, or null when the actor has none.</summary>
    public const string TcpAddressEndpoint = "tcp-address";

    /// <summary>The endpoint that answers the TCP endpoint's counters: connected clients, clients dropped for not reading, clients refused at the limit.</summary>
    public const string TcpCountersEndpoint = "tcp-counters";

    private readonly CommandActorOptions _options;
    private readonly List<(string CommandString, TimeSpan Interval, bool FirstSilent)> _timed = [];
    private readonly List<IClockTimer> _timers = [];
    private readonly TopicBus? _bus;
    private CommandTcpServer? _tcp;

    /// <summary>Creates the actor; its name is its actor name.</summary>
    /// <param name="options">Its version, schema, store and TCP endpoint; defaults when null.</param>
    protected CommandActor(CommandActorOptions? options = null)
        : base(RegistryKind)
    {
        _options = options ?? new CommandActorOptions();
        Clock = NodeClock.Get(Context.System).Clock;
        if (Context.System is ExtendedActorSystem { Provider: Akka.Cluster.IClusterActorRefProvider })
        {
            _bus = TopicBus.Get(Context.System);
        }

        var topic = BroadcastTopic(Name);
        var bus = _bus;
        Runner = new CommandRunner(Name, Clock, Log, reply =>
        {
            _tcp?.Broadcast(reply);
            bus?.Publish(topic, reply, Name);
        })
        {
            Version = _options.Version,
            Validate = _options.Validate,
            Store = _options.Store ? new KeywordStore(_options.StoreKeywords) : null,
        };
        Endpoints.Add(new Endpoint(CommandEndpoint, [new("request", typeof(CommandRequest))], (_, args) => Run((CommandRequest)args[0]!)) { StreamsConcurrently = true });
        Endpoints.Add(new Endpoint(CancelEndpoint, [new("cancel", typeof(CancelCommand))], (_, args) =>
        {
            var cancel = (CancelCommand)args[0]!;
            return Runner.Cancel(cancel.CommanderId, cancel.CommandId);
        }));
        Endpoints.Add(new Endpoint(TcpAddressEndpoint, [], (_, _) => _tcp is null ? null : $"{_tcp.LocalEndpoint.Address}:{_tcp.LocalEndpoint.Port}"));
        Endpoints.Add(new Endpoint(TcpCountersEndpoint, [], (_, _) => _tcp is null ? new long[3] : new long[] { _tcp.Connections, _tcp.Dropped, _tcp.Refused }));
        AddBuiltIns();
    }

    /// <summary>Gets the actor's keyword store, or null when <see cref="CommandActorOptions.Store"/> is off.</summary>
    public KeywordStore? Store => Runner.Store;

    /// <summary>Gets the node's clock, which time limits and timed commands follow.</summary>
    protected Clock Clock { get; }

    internal CommandRunner Runner { get; }

    /// <summary>Gets the topic an actor's broadcasts are published on.</summary>
    /// <param name="actor">The actor's name.</param>
    /// <returns><c>&lt;actor&gt;/replies</c>.</returns>
    public static string BroadcastTopic(string actor) => $"{actor}/replies";

    /// <summary>Declares a command: its name, arguments and options as a System.CommandLine command, and its handler.</summary>
    /// <param name="definition">The command, e.g. <c>new Cli.Command("expose", "Takes an exposure.") { timeOption }</c>.</param>
    /// <param name="handler">Runs the command.</param>
    /// <param name="parent">A command declared before that this one is a subcommand of; null for a top-level command.</param>
    protected void AddCommand(Cli.Command definition, CommandHandler handler, Cli.Command? parent = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(handler);
        Runner.Add(definition, handler, parent);
    }

    /// <summary>Declares a command whose handler does not wait for anything.</summary>
    /// <param name="definition">The command.</param>
    /// <param name="handler">Runs the command.</param>
    /// <param name="parent">The command this one is a subcommand of, or null.</param>
    protected void AddCommand(Cli.Command definition, Action<Command, Cli.ParseResult> handler, Cli.Command? parent = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddCommand(definition, (command, parse) =>
        {
            handler(command, parse);
            return Task.CompletedTask;
        }, parent);
    }

    /// <summary>Runs <paramref name="commandString"/> when the actor starts and then every <paramref name="interval"/> on the node's clock (clu's timed commands); its replies are broadcast. A run is skipped while the previous one still runs.</summary>
    /// <param name="commandString">The command string, e.g. <c>status</c>.</param>
    /// <param name="interval">The time between runs; positive.</param>
    /// <param name="firstSilent">Runs the first time silently: the store learns the keywords, no one hears them.</param>
    protected void AddTimedCommand(string commandString, TimeSpan interval, bool firstSilent = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandString);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _timed.Add((commandString, interval, firstSilent));
    }

    /// <summary>Writes a reply that belongs to no command to every listener of the actor.</summary>
    /// <param name="code">The message code.</param>
    /// <param name="message">A string (keyword <c>text</c>, or <c>error</c> for e and f), a dictionary of keywords, or null.</param>
    protected void Broadcast(char code, object? message) => Runner.Broadcast(code, message);

    /// <inheritdoc />
    protected override Task? OnStartingAsync()
    {
        // Loaded here, not in the constructor, so a bad schema is the start-up error the starter receives.
        if (_options.Schema is not null)
        {
            Runner.Schema = ActorSchema.Load(_options.Schema, _options.AdditionalProperties);
        }

        if (_options.Tcp is { } tcp)
        {
            _tcp = new CommandTcpServer(tcp, Runner, Log);
            _tcp.Start();
            Log.Info("'{0}' runs its TCP server on {1}.", Name, _tcp.LocalEndpoint);
        }

        return null;
    }

    /// <inheritdoc />
    protected override void OnStarted()
    {
        foreach (var (commandString, interval, firstSilent) in _timed)
        {
            var running = 0;
            var first = true;
            var owner = $".{Name}";
            void Tick()
            {
                if (Interlocked.Exchange(ref running, 1) == 1)
                {
                    return;
                }

                var silent = first && firstSilent;
                first = false;
                var command = Runner.Start(commandString, owner, 0, null, silent: silent);
                if (command is null)
                {
                    Volatile.Write(ref running, 0);
                    return;
                }

                _ = command.Completion.ContinueWith(_ => Volatile.Write(ref running, 0), TaskScheduler.Default);
            }

            var log = Log;
            Tick();
            _timers.Add(Clock.Every(interval, Tick, e => log.Error(e, "The timed command '{0}' threw: {1}", commandString, e.Message)));
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        foreach (var timer in _timers)
        {
            timer.Cancel();
        }

        _tcp?.Dispose();
        base.PostStop();
    }

    private IAsyncEnumerable<CommandReply> Run(CommandRequest request)
    {
        var outlet = new StreamOutlet();
        Runner.Start(request.CommandString, request.CommanderId, request.CommandId, outlet, request.TimeLimit);
        return outlet.Replies.ReadAllAsync();
    }

    private void AddBuiltIns()
    {
        AddCommand(new Cli.Command("ping", "Pings the actor."), (command, _) => command.Finish("Pong."));
        AddCommand(new Cli.Command("version", "Reports the version."), (command, _) => command.Finish(new Dictionary<string, object?> { ["version"] = Runner.Version }));
        AddCommand(new Cli.Command("get-schema", "Returns the schema of the actor as a JSON schema."), (command, _) =>
        {
            if (Runner.Schema is null)
            {
                command.Fail("Actor does not know its own schema.");
                return;
            }

            command.Finish(new Dictionary<string, object?> { ["schema"] = Runner.Schema.Text });
        });
        var about = new Cli.Argument<string[]>("command") { Description = "The command to describe.", Arity = Cli.ArgumentArity.ZeroOrMore };
        AddCommand(new Cli.Command("help", "Shows the commands, or the usage of one.") { about }, (command, parse) =>
        {
            var words = parse.GetValue(about) ?? [];
            var lines = CommandHelp.Describe(Runner.Root, words, out var problem);
            if (problem is not null)
            {
                command.Fail(problem);
                return;
            }

            command.Finish(new Dictionary<string, object?> { ["help"] = lines });
        });
    }

    // A cluster commander's stream: what the command writes, in order, until it ends.
    private sealed class StreamOutlet : IReplyOutlet
    {
        private readonly Channel<CommandReply> _replies = Channel.CreateUnbounded<CommandReply>(new UnboundedChannelOptions { SingleReader = true });

        public ChannelReader<CommandReply> Replies => _replies.Reader;

        public bool HearsBroadcasts => false;

        public void Write(CommandReply reply) => _replies.Writer.TryWrite(reply);

        public void Complete() => _replies.Writer.TryComplete();
    }
}
