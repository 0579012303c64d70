using System.Runtime.CompilerServices;
using Akka.Actor;
using Cluster.Agents.Core.Calls;
using Cluster.Contracts.Calls;

namespace Cluster.Tests.Calls;

public sealed record Echo(string Text);

public sealed record Explode(string Message);

public sealed record EchoLater(string Text);

public sealed record ExplodeLater(string Message);

public sealed record Hold(IActorRef Notify);

public sealed record CountTo(int Count);

public sealed record CountThenExplode(int Count, string Message);

/// <summary>Asks for the numbers 1 to <paramref name="Count"/>, all at hand at once (no wait between them).</summary>
public sealed record CountAtOnce(int Count);

public sealed record AnswerWithFile(string Path);

public sealed record Record(string Text, IActorRef Notify);

/// <summary>An actor that answers calls through <see cref="CallResponder"/>, the way the faces will.</summary>
public sealed class TestResponder : ReceiveActor
{
    public TestResponder(string? originName = null)
    {
        ReceiveAsync<CallRequest>(request => request.Payload switch
        {
            EchoLater or ExplodeLater => CallResponder.RespondAsync(Context, request, AnswerLaterAsync, originName),
            CountTo or CountThenExplode => CallResponder.RespondStreamAsync(Context, request, Stream, originName),
            CountAtOnce => CallResponder.RespondStreamAsync(Context, request, payload => AtOnce(((CountAtOnce)payload).Count), originName),
            _ => Answer(request, originName),
        });
    }

    public static Props Props(string? originName = null) => Akka.Actor.Props.Create(() => new TestResponder(originName));

    private static async IAsyncEnumerable<object?> Stream(object payload)
    {
        var (count, failure) = payload switch
        {
            CountTo to => (to.Count, (string?)null),
            CountThenExplode then => (then.Count, then.Message),
            _ => (0, null),
        };
        for (var i = 1; i <= count; i++)
        {
            await Task.Yield();
            yield return i;
        }

        if (failure is not null)
        {
            throw new InvalidOperationException(failure);
        }
    }

#pragma warning disable CS1998 // Every value is at hand: that is the point of this stream.
    private static async IAsyncEnumerable<object?> AtOnce(int count)
#pragma warning restore CS1998
    {
        for (var i = 1; i <= count; i++)
        {
            yield return i;
        }
    }

    private static async Task<object?> AnswerLaterAsync(object payload)
    {
        await Task.Yield();
        return payload switch
        {
            EchoLater echo => echo.Text,
            ExplodeLater explode => throw new InvalidOperationException(explode.Message),
            _ => null,
        };
    }

    private Task Answer(CallRequest request, string? originName)
    {
        if (request.Payload is Hold hold)
        {
            // Never answers: the caller waits until its deadline, or until this actor stops.
            hold.Notify.Tell("holding");
            return Task.CompletedTask;
        }

        CallResponder.Respond(Context, request, payload => payload switch
        {
            Echo echo => echo.Text,
            Explode explode => Throw(explode.Message),
            AnswerWithFile file => new FileInfo(file.Path),
            Record record => Notify(record),
            int number => number * 2,
            _ => throw new NotSupportedException($"cannot answer {payload.GetType().Name}"),
        }, originName);
        return Task.CompletedTask;
    }

    private static string Notify(Record record)
    {
        record.Notify.Tell(record.Text);
        return record.Text;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object Throw(string message) => throw new InvalidOperationException(message);
}
