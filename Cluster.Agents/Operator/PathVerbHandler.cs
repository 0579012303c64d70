using Akka.Actor;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Paths;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Operator;

/// <summary>Answers the operator's path verbs on a host node: listing, state and property get and set, action calls, and watches.</summary>
public static class PathVerbHandler
{
    /// <summary>Does one path operation and answers <paramref name="replyTo"/> with the result as JSON, or <see cref="OperatorFailed"/> naming ESHET's error.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="request">The operation.</param>
    /// <param name="replyTo">Who receives the answer.</param>
    public static void Handle(ActorSystem system, PathRequest request, IActorRef replyTo)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Verb == PathVerb.List)
        {
            replyTo.Tell(List(system));
            return;
        }

        RunAsync(system, request).PipeTo(replyTo);
    }

    /// <summary>Starts a watch of a state, or a listener of an event, that forwards to the request's receiver.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="request">The watch.</param>
    /// <param name="replyTo">Who receives <see cref="PathWatchStarted"/> or <see cref="OperatorFailed"/>.</param>
    public static void Watch(ActorSystem system, StartPathWatch request, IActorRef replyTo)
    {
        ArgumentNullException.ThrowIfNull(system);
        system.ActorOf(Props.Create(() => new PathWatcher(request, replyTo)));
    }

    private static PathList List(ActorSystem system) =>
        new([
            .. NameRegistry.Get(system).Entries
                .Where(entry => PathKinds.TryParse(entry.Kind, out _))
                .Select(entry =>
                {
                    PathKinds.TryParse(entry.Kind, out var kind);
                    return new PathListing(entry.Name, PathKinds.Describe(kind), entry.Owner.Path.Parent.Name, entry.Node.ToString());
                }),
        ]);

    private static async Task<object> RunAsync(ActorSystem system, PathRequest request)
    {
        await using var client = PathClient.Create(system, timeout: request.Deadline);
        try
        {
            object?[] args = [.. request.JsonArgs.Select(json => new JsonArgument(json))];
            object? result = request.Verb switch
            {
                PathVerb.StateGet or PathVerb.PropertyGet => await GetAsync(client, request).ConfigureAwait(false),
                PathVerb.StateSet or PathVerb.PropertySet => await SetAsync(client, request, args).ConfigureAwait(false),
                PathVerb.ActionCall => await client.CallAsync<object?>(request.Path, args, CancellationToken.None).ConfigureAwait(false),
                _ => throw new ArgumentException($"The path verb {request.Verb} is not known."),
            };
            return new PathAnswered(JsonPayload.ToJson(result));
        }
        catch (PathException e)
        {
            return new OperatorFailed($"{e.ErrorName}: {e.Message}");
        }
        catch (Exception e)
        {
            return new OperatorFailed(e.Message);
        }
    }

    // The verb names the kind it expects, so a state verb on a property fails as ESHET would.
    private static PathKind Expected(PathVerb verb) => verb is PathVerb.StateGet or PathVerb.StateSet ? PathKind.State : PathKind.Property;

    private static void CheckKind(ActorSystem system, PathRequest request)
    {
        if (NameRegistry.Get(system).TryLookup(request.Path, out var entry) && PathKinds.TryParse(entry.Kind, out var kind) && kind != Expected(request.Verb))
        {
            throw new WrongTypeOfNodeException(request.Path, $"The path '{request.Path}' is a {PathKinds.Describe(kind)}, not a {PathKinds.Describe(Expected(request.Verb))}.");
        }
    }

    private static Task<object?> GetAsync(PathClient client, PathRequest request)
    {
        CheckKind(client.System, request);
        return client.GetAsync<object?>(request.Path);
    }

    private static async Task<object?> SetAsync(PathClient client, PathRequest request, object?[] args)
    {
        CheckKind(client.System, request);
        if (args.Length != 1)
        {
            throw new ArgumentException($"A set of '{request.Path}' takes one JSON value; it was given {args.Length}.");
        }

        await client.SetAsync(request.Path, args[0]).ConfigureAwait(false);
        return null;
    }

    private sealed class PathWatcher : ReceiveActor
    {
        private IAsyncDisposable? _watch;

        public PathWatcher(StartPathWatch request, IActorRef replyTo)
        {
            var receiver = request.Receiver;
            var path = request.Path;
            var self = Self;
            Context.Watch(receiver);
            Receive<Started>(started =>
            {
                _watch = started.Watch;
                replyTo.Tell(new PathWatchStarted(self, started.InitialJson));
            });
            Receive<Status.Failure>(failure =>
            {
                var error = failure.Cause is PathException p ? $"{p.ErrorName}: {p.Message}" : failure.Cause.Message;
                replyTo.Tell(new OperatorFailed(error));
                Context.Stop(Self);
            });
            Receive<StopPathWatch>(_ => Context.Stop(Self));
            Receive<Terminated>(_ => Context.Stop(Self));

            var client = PathClient.Create(Context.System, "/", Self);
            StartAsync(client, request, receiver, path).PipeTo(Self);
        }

        protected override void PostStop() => _watch?.DisposeAsync();

        private static async Task<Started> StartAsync(PathClient client, StartPathWatch request, IActorRef receiver, string path)
        {
            if (request.IsEvent)
            {
                var listening = await client.ListenAsync<object?>(path, payload => receiver.Tell(new PathSeen(path, JsonPayload.ToJson(payload)))).ConfigureAwait(false);
                return new Started(listening, null);
            }

            var observation = await client.ObserveAsync<object?>(path, value => receiver.Tell(new PathSeen(path, StateJson(value)))).ConfigureAwait(false);
            return new Started(observation, StateJson(observation.Initial));
        }

        private static string StateJson(StateValue<object?> value) =>
            value.IsKnown ? $"{{\"known\":true,\"value\":{JsonPayload.ToJson(value.Value)}}}" : "{\"known\":false}";

        private sealed record Started(IAsyncDisposable Watch, string? InitialJson);
    }
}
