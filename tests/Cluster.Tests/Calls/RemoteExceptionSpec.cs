using Akka.Actor;
using Cluster.Agents.Core.Calls;
using Cluster.Contracts.Calls;
using Xunit;

namespace Cluster.Tests.Calls;

public sealed class RemoteExceptionSpec
{
    private static readonly Address Node = new("akka.tcp", "robot", "10.0.0.2", 4053);

    [Fact]
    public void The_message_names_origin_and_type_carries_the_stack_trace_and_ends_with_the_remote_message()
    {
        var error = new RemoteError("drive", "akka.tcp://robot@10.0.0.2:4053", "System.InvalidOperationException", "the arm is not homed", "   at Rover.Drive.Home()\n   at Rover.Drive.Handle()");

        var exception = new RemoteException(error);

        Assert.Equal(
            "drive@akka.tcp://robot@10.0.0.2:4053 raised System.InvalidOperationException:\n" +
            "   at Rover.Drive.Home()\n   at Rover.Drive.Handle()\n" +
            "InvalidOperationException: the arm is not homed",
            exception.Message);
        Assert.Equal("drive", exception.OriginName);
        Assert.Equal("akka.tcp://robot@10.0.0.2:4053", exception.OriginNode);
        Assert.Equal("System.InvalidOperationException", exception.RemoteType);
        Assert.Equal("the arm is not homed", exception.RemoteMessage);
    }

    [Fact]
    public void An_exception_that_was_never_thrown_has_no_trace_lines()
    {
        var error = CallResponder.ToRemoteError(new TimeoutException("late"), "gps", Node);

        Assert.Equal("gps@akka.tcp://robot@10.0.0.2:4053 raised System.TimeoutException:\nTimeoutException: late", new RemoteException(error).Message);
    }

    [Fact]
    public void The_remote_error_keeps_the_full_type_the_message_and_the_inner_exceptions_without_repeating_the_first_line()
    {
        Exception thrown;
        try
        {
            try
            {
                throw new IOException("bus fault");
            }
            catch (IOException inner)
            {
                throw new InvalidOperationException("cannot read the encoder", inner);
            }
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        var error = CallResponder.ToRemoteError(thrown, "arm", Node);

        Assert.Equal("System.InvalidOperationException", error.ExceptionType);
        Assert.Equal("cannot read the encoder", error.Message);
        Assert.Equal("akka.tcp://robot@10.0.0.2:4053", error.OriginNode);
        Assert.StartsWith(" ---> System.IO.IOException: bus fault", error.RemoteStackTrace, StringComparison.Ordinal);
        Assert.Contains("End of inner exception stack trace", error.RemoteStackTrace, StringComparison.Ordinal);
        Assert.Contains(nameof(The_remote_error_keeps_the_full_type_the_message_and_the_inner_exceptions_without_repeating_the_first_line), error.RemoteStackTrace, StringComparison.Ordinal);
    }
}
