using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Cluster.Contracts;
using Cluster.Contracts.Clocks;
using Cluster.Contracts.Operator;
using Cluster.Contracts.Serialization;
using Xunit;

namespace Cluster.Tests.Clocks;

public sealed class ClockContractsSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config LocalConfig =
        ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(ClusterHocon.Base);

    public ClockContractsSpec()
        : base(LocalConfig, "clock-contracts-spec")
    {
    }

    private T RoundTrip<T>(T message)
        where T : IClusterMessage
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<HyperionSerializer>(serializer);
        return (T)serializer.FromBinary(serializer.ToBinary(message), typeof(T));
    }

    [Fact]
    public void Clock_ticks_and_the_follower_protocol_round_trip()
    {
        var utc = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new ClockTick(1.5, utc, 7, "run", 10), RoundTrip(new ClockTick(1.5, utc, 7, "run", 10)));
        Assert.Equal(new FollowClock("akka.tcp://robot@10.0.0.2:4053", 3), RoundTrip(new FollowClock("akka.tcp://robot@10.0.0.2:4053", 3)));
        Assert.Equal(new ClockTickApplied(7, 1.5), RoundTrip(new ClockTickApplied(7, 1.5)));
        var announced = RoundTrip(new ClockSourceAnnounced(TestActor, "akka://clock-contracts-spec/user/clock"));
        Assert.Equal(TestActor, announced.Source);
        Assert.Equal("akka://clock-contracts-spec/user/clock", announced.SourceId);
    }

    [Fact]
    public void Clock_commands_and_the_status_round_trip()
    {
        Assert.IsType<GetClockStatus>(RoundTrip(GetClockStatus.Instance));
        Assert.IsType<PauseClock>(RoundTrip(PauseClock.Instance));
        Assert.Equal(new StepClock(TimeSpan.FromMilliseconds(100)), RoundTrip(new StepClock(TimeSpan.FromMilliseconds(100))));
        Assert.Equal(new RunClock(10), RoundTrip(new RunClock(10)));

        var status = new ClockStatus("step", 1, DateTimeOffset.UnixEpoch, 0, 1, "akka.tcp://robot@10.0.0.2:4053/user/clock", [new ClockFollowerInfo("akka.tcp://robot@10.0.0.2:4053", 1, 1)]);
        var copy = RoundTrip(status);
        Assert.Equal(status with { Followers = [] }, copy with { Followers = [] });
        Assert.Equal(status.Followers.AsEnumerable(), copy.Followers.AsEnumerable());
    }
}
