using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Cluster.Agents.Paths;

/// <summary>Delivers the events of a path as an async stream, from the moment listening was confirmed; dispose it to stop listening.</summary>
/// <typeparam name="T">The payloads' type.</typeparam>
public sealed class EventStream<T> : IAsyncEnumerable<T>, IAsyncDisposable
{
    private readonly Channel<T> _channel;
    private EventListening? _listening;

    internal EventStream(Channel<T> channel) => _channel = channel;

    /// <summary>Gets the absolute path of the event.</summary>
    public string Path => _listening?.Path ?? string.Empty;

    /// <summary>Enumerates the payloads, each once, in order, until the stream is disposed or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The enumerator.</returns>
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => Read(cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>Stops listening; an enumeration ends after the payloads already received.</summary>
    /// <returns>A task that completes once the listener is asked to stop.</returns>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        if (_listening is not null)
        {
            await _listening.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal void Attach(EventListening listening) => _listening = listening;

    private async IAsyncEnumerable<T> Read([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var payload in _channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return payload;
        }
    }
}
