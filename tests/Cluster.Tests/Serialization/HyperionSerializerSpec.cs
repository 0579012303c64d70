using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Cluster.Contracts;
using Cluster.Contracts.Serialization;
using Xunit;

namespace Cluster.Tests.Serialization;

public sealed record SamplePayload(string Name, double Value, ImmutableArray<int> Readings);

public sealed record SampleContract(
    string Text,
    ImmutableArray<string> Tags,
    ImmutableDictionary<string, int> Counts,
    ImmutableList<SamplePayload> Payloads,
    object Boxed,
    IActorRef? ReplyTo,
    Exception? Error) : IClusterMessage;

public sealed record NotAContract(string Text);

public sealed record CarriesFileInfo(FileInfo File) : IClusterMessage;

public sealed class HyperionSerializerSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config LocalConfig =
        ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(ClusterHocon.Base);

    public HyperionSerializerSpec()
        : base(LocalConfig, "serializer-spec")
    {
    }

    private SampleContract Sample(IActorRef? replyTo = null, Exception? error = null) => new(
        "hello",
        ["a", "b"],
        ImmutableDictionary<string, int>.Empty.Add("x", 1).Add("y", 2),
        [new SamplePayload("imu", 1.5, [1, 2, 3]), new SamplePayload("gps", -2.25, [])],
        42,
        replyTo,
        error);

    private T RoundTrip<T>(T message)
        where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        return (T)serializer.FromBinary(serializer.ToBinary(message), typeof(T));
    }

    [Fact]
    public void Contract_messages_are_bound_to_the_hyperion_serializer()
    {
        Assert.IsType<HyperionSerializer>(Sys.Serialization.FindSerializerFor(Sample()));
        Assert.Equal(HyperionSerializer.Id, Sys.Serialization.FindSerializerFor(Sample()).Identifier);
    }

    [Fact]
    public void Types_that_are_not_contracts_are_not_bound_to_it()
    {
        Assert.IsNotType<HyperionSerializer>(Sys.Serialization.FindSerializerFor(new NotAContract("x")));
        Assert.IsNotType<HyperionSerializer>(Sys.Serialization.FindSerializerFor("a string"));
    }

    [Fact]
    public void Records_with_immutable_collections_and_nested_payloads_round_trip()
    {
        var original = Sample();

        var copy = RoundTrip(original);

        Assert.Equal(original.Text, copy.Text);
        Assert.Equal(original.Tags.AsEnumerable(), copy.Tags.AsEnumerable());
        Assert.Equal(original.Counts, copy.Counts);
        Assert.Equal(original.Payloads.Count, copy.Payloads.Count);
        for (var i = 0; i < original.Payloads.Count; i++)
        {
            Assert.Equal(original.Payloads[i].Name, copy.Payloads[i].Name);
            Assert.Equal(original.Payloads[i].Value, copy.Payloads[i].Value);
            Assert.Equal(original.Payloads[i].Readings.AsEnumerable(), copy.Payloads[i].Readings.AsEnumerable());
        }
    }

    [Fact]
    public void A_boxed_value_keeps_its_exact_type()
    {
        var copy = RoundTrip(Sample());

        Assert.IsType<int>(copy.Boxed);
        Assert.Equal(42, copy.Boxed);
    }

    [Fact]
    public void Actor_reference_fields_resolve_to_the_same_actor()
    {
        var copy = RoundTrip(Sample(replyTo: TestActor));

        Assert.Equal(TestActor, copy.ReplyTo);
        copy.ReplyTo!.Tell("reached");
        ExpectMsg("reached", TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Exceptions_round_trip_with_their_type_and_message()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("the arm is not homed");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        var copy = RoundTrip(Sample(error: thrown));

        var error = Assert.IsType<InvalidOperationException>(copy.Error);
        Assert.Equal("the arm is not homed", error.Message);
    }

    [Fact]
    public void Unsafe_types_are_refused_when_written_naming_the_type()
    {
        var serializer = Sys.Serialization.FindSerializerFor(new CarriesFileInfo(new FileInfo("/tmp/x")));

        var error = Assert.ThrowsAny<Exception>(() => serializer.ToBinary(new CarriesFileInfo(new FileInfo("/tmp/x"))));

        Assert.Contains("System.IO.FileInfo", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Delegates_are_refused_when_written_naming_the_type()
    {
        var serializer = Sys.Serialization.FindSerializerFor(Sample());

        var error = Assert.ThrowsAny<Exception>(() => serializer.ToBinary(Sample() with { Boxed = new Action(() => { }) }));

        Assert.Contains("System.Action", error.ToString(), StringComparison.Ordinal);
    }
}
