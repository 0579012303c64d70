using Akka.Configuration;
using Cluster.Agents.Core.Clocks;
using Xunit;

namespace Cluster.Tests.Clocks;

/// <summary>The argument rules every clock shares: delays are positive, absolute times are in the future.</summary>
public sealed class ClockArgumentSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset Start = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    public ClockArgumentSpec()
        : base(ConfigurationFactory.ParseString("akka.actor.provider = local"), "clock-argument-spec")
    {
    }

    public static TheoryData<string> Clocks => ["real", "external"];

    private Clock Create(string kind)
    {
        if (kind == "real")
        {
            return new RealTimeClock(Sys);
        }

        var clock = new ExternalClock(Start);
        clock.SetTime(10);
        return clock;
    }

    [Theory]
    [MemberData(nameof(Clocks))]
    public void Sleep_and_CallIn_with_a_negative_delay_throw_saying_it_must_be_positive(string kind)
    {
        var clock = Create(kind);

        AssertRefused(() => clock.Sleep(TimeSpan.FromSeconds(-1)), "dt must be positive, was -1 s");
        AssertRefused(() => clock.Sleep(-1.0), "seconds must be positive, was -1 s");
        AssertRefused(() => clock.CallIn(TimeSpan.FromSeconds(-1), () => { }), "dt must be positive, was -1 s");
        AssertRefused(() => clock.CallIn(-1.0, () => { }), "seconds must be positive, was -1 s");
    }

    [Theory]
    [MemberData(nameof(Clocks))]
    public void Sleep_and_CallIn_with_a_zero_delay_throw_saying_it_must_be_positive(string kind)
    {
        var clock = Create(kind);

        AssertRefused(() => clock.Sleep(TimeSpan.Zero), "dt must be positive, was 0 s");
        AssertRefused(() => clock.Sleep(0.0), "seconds must be positive, was 0 s");
        AssertRefused(() => clock.CallIn(TimeSpan.Zero, () => { }), "dt must be positive, was 0 s");
        AssertRefused(() => clock.CallIn(0.0, () => { }), "seconds must be positive, was 0 s");
    }

    [Theory]
    [MemberData(nameof(Clocks))]
    public void Sleep_and_CallIn_with_a_delay_that_is_not_a_number_throw(string kind)
    {
        var clock = Create(kind);

        AssertRefused(() => clock.Sleep(double.NaN), "seconds must be a finite number of seconds, was NaN");
        AssertRefused(() => clock.CallIn(double.PositiveInfinity, () => { }), "seconds must be a finite number of seconds");
    }

    [Theory]
    [MemberData(nameof(Clocks))]
    public void SleepUntil_and_CallAt_with_a_past_time_throw_giving_the_time_and_the_current_time(string kind)
    {
        var clock = Create(kind);
        var past = clock.Time - 5;
        var expected = $"t must be in the future: was {past:R} s, the clock's time is ";

        AssertRefused(() => clock.SleepUntil(past), expected);
        AssertRefused(() => clock.CallAt(past, () => { }), expected);
    }

    [Fact]
    public void SleepUntil_and_CallAt_at_exactly_the_current_time_throw_giving_both_times()
    {
        var clock = (ExternalClock)Create("external");

        AssertRefused(() => clock.SleepUntil(10.0), "t must be in the future: was 10 s, the clock's time is 10 s");
        AssertRefused(() => clock.CallAt(10.0, () => { }), "t must be in the future: was 10 s, the clock's time is 10 s");
    }

    [Theory]
    [MemberData(nameof(Clocks))]
    public void SleepUntil_and_CallAt_with_a_past_utc_time_throw_giving_the_time_and_the_current_time(string kind)
    {
        var clock = Create(kind);
        var past = clock.UtcNow.AddMinutes(-1);
        var expected = $"t must be in the future: was {past:O}, the clock's UTC time is ";

        AssertRefused(() => clock.SleepUntil(past), expected);
        AssertRefused(() => clock.CallAt(past, () => { }), expected);
    }

    [Fact]
    public void The_external_clock_names_its_exact_utc_time_when_refusing_a_past_utc_time()
    {
        var clock = Create("external");

        AssertRefused(
            () => clock.CallAt(Start.AddSeconds(2), () => { }),
            $"was {Start.AddSeconds(2):O}, the clock's UTC time is {Start.AddSeconds(10):O}");
    }

    [Theory]
    [MemberData(nameof(Clocks))]
    public void A_refused_call_leaves_nothing_scheduled(string kind)
    {
        var clock = Create(kind);
        var ran = false;

        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => clock.CallAt(clock.Time - 1, () => ran = true));

        if (clock is ExternalClock external)
        {
            Assert.Equal(0, external.PendingCount);
            external.SetTime(100);
        }

        Assert.False(ran);
    }

    [Theory]
    [MemberData(nameof(Clocks))]
    public void CallIn_and_CallAt_refuse_a_null_action(string kind)
    {
        var clock = Create(kind);

        Assert.Throws<ArgumentNullException>(() => clock.CallIn(1.0, null!));
        Assert.Throws<ArgumentNullException>(() => clock.CallAt(clock.Time + 1, null!));
    }

    private static void AssertRefused(Func<object> call, string expectedMessage)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => call());
        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }
}
