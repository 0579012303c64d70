using Akka.Actor;
using Cluster.Agents.Core.Endpoints;

namespace Cluster.Agents.Commands;

/// <summary>Runs command strings on command actors inside a test (clu's <c>setup_test_actor</c> and <c>MockReply</c>): start the actor, invoke, read the replies.</summary>
/// <example>
/// <code>
/// var camera = await CommandTesting.StartAsync(Sys, Props.Create(() => new Camera()), "camera");
/// var ping = await CommandTesting.InvokeAsync(Sys, camera, "ping");
/// Assert.Equal(CommandStatus.Done, ping.Status);
/// Assert.Equal("Pong.", ping.Get("text")!.GetValue&lt;string&gt;());
/// </code>
/// </example>
public static class CommandTesting
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Starts a command actor and waits until it runs.</summary>
    /// <param name="system">The test's actor system.</param>
    /// <param name="props">The actor's props.</param>
    /// <param name="name">Its name.</param>
    /// <returns>The running actor.</returns>
    public static Task<IActorRef> StartAsync(ActorSystem system, Props props, string name) => NamedActors.StartAsync(system, props, name);

    /// <summary>Runs <paramref name="commandString"/> on <paramref name="actor"/> and waits until the command has ended; the handle holds every reply.</summary>
    /// <param name="system">The test's actor system.</param>
    /// <param name="actor">The command actor.</param>
    /// <param name="commandString">The command string.</param>
    /// <param name="timeout">How long to wait for the end (wall time); 10 s when null.</param>
    /// <param name="timeLimit">The command's own time limit on the actor's clock, or null.</param>
    /// <returns>The ended command's handle.</returns>
    /// <exception cref="TimeoutException">The command did not end in time.</exception>
    public static async Task<CommandHandle> InvokeAsync(ActorSystem system, IActorRef actor, string commandString, TimeSpan? timeout = null, TimeSpan? timeLimit = null)
    {
        var handle = CommandClient.Get(system).SendCommand(actor, commandString, timeLimit);
        var wait = timeout ?? DefaultTimeout;
        try
        {
            await handle.Completion.WaitAsync(wait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"'{commandString}' on '{actor.Path.Name}' did not end within {wait.TotalSeconds} s; its replies so far: {string.Join(" ", handle.Replies.Select(CommandReplyJson.ToJson))}");
        }

        return handle;
    }
}
