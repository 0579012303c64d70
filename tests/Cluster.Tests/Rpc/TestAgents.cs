using Cluster.Agents.Rpc;

namespace Cluster.Tests.Rpc;

public interface IChef
{
    IEggs Eggs { get; }

    int Add(int a, int b);

    Task<string> GreetAsync(string name);

    Task PingAsync();

    ValueTask<int> CountAsync();

    Task<string> FailAsync(string message);

    Task<IChef> SelfAsync();

    Task<string> AskOtherAsync(IChef other, string name);

    Task<string> SecretAsync();

    Task<string> DescribeAsync(object? value);
}

public interface IEggs
{
    Task<string> CookAsync(string style);
}

public sealed class Eggs
{
    [Expose]
    public Task<string> CookAsync(string style) => Task.FromResult($"{style} eggs");
}

public sealed class Chef : RpcAgent
{
    private int _count;

    [Expose]
    public Eggs Eggs { get; } = new();

    [Expose]
    public int Add(int a, int b) => a + b;

    [Expose]
    public async Task<string> GreetAsync(string name)
    {
        await Task.Yield();
        return $"hello {name} from {Address.Id}";
    }

    [Expose]
    public Task PingAsync() => Task.CompletedTask;

    [Expose]
    public ValueTask<int> CountAsync() => new(++_count);

    [Expose]
    public Task<string> FailAsync(string message) => throw new InvalidOperationException(message);

    [Expose]
    public Task<RpcAgent> SelfAsync() => Task.FromResult<RpcAgent>(this);

    [Expose]
    public Task<string> AskOtherAsync(IChef other, string name) => other.GreetAsync(name);

    [Expose]
    public string DescribeAsync(object? value) => value?.GetType().FullName ?? "null";

    public Task<string> SecretAsync() => Task.FromResult("the recipe");
}

/// <summary>Signals when its lifetime task starts and when it is cancelled.</summary>
public sealed class Lifetime
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed class Watchman(Lifetime lifetime) : RpcAgent
{
    [Expose]
    public string Status() => "watching";

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        lifetime.Started.TrySetResult();
        try
        {
            await Clock.Sleep(TimeSpan.FromHours(1), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            lifetime.Cancelled.TrySetResult();
        }
    }
}
